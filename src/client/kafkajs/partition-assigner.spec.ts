import { Partitioners, PartitionMetadata } from 'kafkajs';
import { PartitionAssigner } from './partition-assigner';

const partitionsOf = (count: number): PartitionMetadata[] =>
  Array.from({ length: count }, (_, partitionId) => ({
    partitionErrorCode: 0,
    partitionId,
    leader: partitionId + 1,
    replicas: [partitionId + 1],
    isr: [partitionId + 1],
  }));

describe('PartitionAssigner', () => {
  it('puts keyed records where kafkajs would, one group per partition, in order, remembering each position', async () => {
    const fetch = jest.fn(async () => partitionsOf(6));
    const assigner = new PartitionAssigner(fetch);
    const records = ['a', 'b', 'c', 'a', 'b', 'a'].map((key, i) => ({ topic: 'jobs', key, value: `${i}` }));
    const groups = await assigner.assign(records);

    const kafkajs = Partitioners.DefaultPartitioner();
    for (const group of groups) {
      for (const [i, message] of group.messages.entries()) {
        const expected = kafkajs({
          topic: 'jobs',
          partitionMetadata: partitionsOf(6),
          message: { key: message.key, value: null },
        });
        expect(message.partition).toBe(expected);
        expect(group.partition).toBe(expected);
        expect(group.leader).toBe(expected + 1);
        expect(records[group.positions[i]].value).toBe(message.value);
      }
      // Order within a partition is the callers' order.
      expect(group.positions).toEqual([...group.positions].sort((x, y) => x - y));
    }
    expect(groups.flatMap((g) => g.positions).sort((x, y) => x - y)).toEqual([0, 1, 2, 3, 4, 5]);
  });

  it("spreads keyless records over the partitions and reads a topic's partitions once while cached", async () => {
    const fetch = jest.fn(async () => partitionsOf(3));
    const assigner = new PartitionAssigner(fetch);
    const records = Array.from({ length: 9 }, (_, i) => ({ topic: 'visits', key: null, value: `${i}` }));
    const groups = await assigner.assign(records);
    expect(groups.map((g) => g.messages.length).sort()).toEqual([3, 3, 3]);
    await assigner.assign(records);
    expect(fetch).toHaveBeenCalledTimes(1);
    assigner.invalidate('visits');
    await assigner.assign(records);
    expect(fetch).toHaveBeenCalledTimes(2);
  });

  it('rejects a topic without partitions', async () => {
    const assigner = new PartitionAssigner(async () => []);
    await expect(assigner.assign([{ topic: 'missing', key: null, value: 'x' }])).rejects.toThrow(/missing/);
  });
});
