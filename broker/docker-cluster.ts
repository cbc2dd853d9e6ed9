import { PropertyValue } from './broker-properties';
import { freePort } from './free-port';
import { KafkaCluster, KafkaNode } from './kafka-cluster.interface';
import { waitForKafka } from './readiness';

export interface DockerClusterOptions {
  version: string;
  brokerProperties: Record<string, PropertyValue>;
  startTimeoutMs: number;
  log: (line: string) => void;
}

/** True when Testcontainers finds a working Docker (or compatible) engine. */
export async function dockerAvailable(): Promise<boolean> {
  try {
    const { getContainerRuntimeClient } = await import('testcontainers');
    await getContainerRuntimeClient();
    return true;
  } catch {
    return false;
  }
}

/**
 * The same single-node KRaft `apache/kafka` broker as docker-compose.yml, through Testcontainers.
 * The host port is bound to the same number inside the container so the advertised listener is right
 * without a second round trip. (@testcontainers/kafka's KafkaContainer runs only confluentinc/cp-kafka.)
 */
export async function startDockerCluster(options: DockerClusterOptions): Promise<KafkaCluster> {
  const { GenericContainer, Wait } = await import('testcontainers');
  const port = await freePort();
  options.log(`Starting apache/kafka:${options.version} with Testcontainers on 127.0.0.1:${port}`);
  const container = await new GenericContainer(`apache/kafka:${options.version}`)
    .withExposedPorts({ container: port, host: port })
    .withEnvironment({
      KAFKA_NODE_ID: '1',
      KAFKA_PROCESS_ROLES: 'broker,controller',
      KAFKA_LISTENERS: `PLAINTEXT://0.0.0.0:${port},CONTROLLER://localhost:9093`,
      KAFKA_ADVERTISED_LISTENERS: `PLAINTEXT://127.0.0.1:${port}`,
      KAFKA_CONTROLLER_LISTENER_NAMES: 'CONTROLLER',
      KAFKA_LISTENER_SECURITY_PROTOCOL_MAP: 'CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT',
      KAFKA_CONTROLLER_QUORUM_VOTERS: '1@localhost:9093',
      KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR: '1',
      KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR: '1',
      KAFKA_TRANSACTION_STATE_LOG_MIN_ISR: '1',
      KAFKA_SHARE_COORDINATOR_STATE_TOPIC_REPLICATION_FACTOR: '1',
      KAFKA_SHARE_COORDINATOR_STATE_TOPIC_MIN_ISR: '1',
      KAFKA_GROUP_INITIAL_REBALANCE_DELAY_MS: '0',
      // The apache/kafka image turns KAFKA_FOO_BAR into foo.bar in server.properties.
      ...Object.fromEntries(
        Object.entries(options.brokerProperties).map(([k, v]) => [
          `KAFKA_${k.toUpperCase().replace(/\./g, '_')}`,
          String(v),
        ]),
      ),
    })
    .withWaitStrategy(Wait.forLogMessage(/Kafka Server started/))
    .withStartupTimeout(options.startTimeoutMs)
    .start();
  const address = `127.0.0.1:${port}`;
  await waitForKafka({ brokers: [address], expectedNodes: 1, timeoutMs: options.startTimeoutMs });

  let stopped = false;
  const unsupported = () =>
    Promise.reject(new Error('Stopping or killing single nodes needs the JVM launcher (KAFKA_LAUNCHER=jvm)'));
  const node: KafkaNode = {
    id: 1,
    address,
    running: true,
    stop: unsupported,
    kill: unsupported,
    start: unsupported,
  };
  return {
    brokers: [address],
    mode: 'docker',
    version: options.version,
    nodes: [node],
    async stop() {
      if (stopped) return;
      stopped = true;
      await container.stop();
    },
  };
}
