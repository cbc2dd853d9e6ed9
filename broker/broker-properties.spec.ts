import { brokerProperties, renderProperties } from './broker-properties';

describe('brokerProperties', () => {
  const one = { id: 1, clientPort: 19092, controllerPort: 19093 };

  it('gives a single node replication factor 1 for the internal topics', () => {
    const props = brokerProperties(one, [one], '/tmp/data');
    expect(props['offsets.topic.replication.factor']).toBe(1);
    expect(props['transaction.state.log.replication.factor']).toBe(1);
    expect(props['transaction.state.log.min.isr']).toBe(1);
    expect(props['controller.quorum.voters']).toBe('1@127.0.0.1:19093');
    expect(props['advertised.listeners']).toBe('PLAINTEXT://127.0.0.1:19092');
  });

  it('gives a 3-node cluster replication factor 3, min.insync.replicas 2 and all three voters', () => {
    const nodes = [
      one,
      { id: 2, clientPort: 29092, controllerPort: 29093 },
      { id: 3, clientPort: 39092, controllerPort: 39093 },
    ];
    const props = brokerProperties(nodes[1], nodes, '/tmp/data-2');
    expect(props['node.id']).toBe(2);
    expect(props['default.replication.factor']).toBe(3);
    expect(props['min.insync.replicas']).toBe(2);
    expect(props['controller.quorum.voters']).toBe('1@127.0.0.1:19093,2@127.0.0.1:29093,3@127.0.0.1:39093');
    expect(props.listeners).toBe('PLAINTEXT://127.0.0.1:29092,CONTROLLER://127.0.0.1:29093');
  });

  it('lets overrides win over the defaults', () => {
    const props = brokerProperties(one, [one], '/tmp/data', {
      'auto.create.topics.enable': false,
      'num.partitions': 6,
    });
    expect(renderProperties(props)).toContain('auto.create.topics.enable=false\n');
    expect(renderProperties(props)).toContain('num.partitions=6\n');
    expect(renderProperties(props)).not.toContain('num.partitions=1\n');
  });
});
