export interface NodePorts {
  id: number;
  clientPort: number;
  controllerPort: number;
}

export type PropertyValue = string | number | boolean;

/**
 * server.properties for one combined broker + controller node of a KRaft cluster on 127.0.0.1.
 * Static quorum voters keep the same file valid for 3.9.x and 4.x.
 */
export function brokerProperties(
  node: NodePorts,
  cluster: readonly NodePorts[],
  logDir: string,
  overrides: Record<string, PropertyValue> = {},
): Record<string, PropertyValue> {
  const replication = Math.min(3, cluster.length);
  const minIsr = replication > 1 ? 2 : 1;
  return {
    'process.roles': 'broker,controller',
    'node.id': node.id,
    'controller.quorum.voters': cluster.map((n) => `${n.id}@127.0.0.1:${n.controllerPort}`).join(','),
    listeners: `PLAINTEXT://127.0.0.1:${node.clientPort},CONTROLLER://127.0.0.1:${node.controllerPort}`,
    'advertised.listeners': `PLAINTEXT://127.0.0.1:${node.clientPort}`,
    'controller.listener.names': 'CONTROLLER',
    'inter.broker.listener.name': 'PLAINTEXT',
    'listener.security.protocol.map': 'PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT',
    'log.dirs': logDir,
    'num.partitions': 1,
    'default.replication.factor': replication,
    'min.insync.replicas': minIsr,
    // Internal topics default to replication 3, which a single node cannot satisfy.
    'offsets.topic.replication.factor': replication,
    'transaction.state.log.replication.factor': replication,
    'transaction.state.log.min.isr': minIsr,
    'share.coordinator.state.topic.replication.factor': replication,
    'share.coordinator.state.topic.min.isr': minIsr,
    // A test cluster should hand out partitions to the first member at once.
    'group.initial.rebalance.delay.ms': 0,
    ...overrides,
  };
}

export function renderProperties(props: Record<string, PropertyValue>): string {
  return (
    Object.entries(props)
      .map(([key, value]) => `${key}=${String(value)}`)
      .join('\n') + '\n'
  );
}
