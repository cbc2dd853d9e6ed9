import { commitAfter, EachBatchAdapter, EachBatchPayloadShape } from './each-batch.adapter';

describe('EachBatchAdapter', () => {
  const committed: { topic: string; partition: number; offset: string }[][] = [];
  const consumer = {
    commitOffsets: async (offsets: (typeof committed)[number]) => void committed.push(offsets),
  };

  beforeEach(() => (committed.length = 0));

  it('commits the offset after the record, exactly past 2^53', async () => {
    await commitAfter(consumer, 'orders', 2, '9007199254740993');
    expect(committed).toEqual([[{ topic: 'orders', partition: 2, offset: '9007199254740994' }]]);
  });

  it("hands the payload's batch over and commits through the consumer", async () => {
    const resolved: string[] = [];
    const payload: EachBatchPayloadShape = {
      batch: {
        topic: 'orders',
        partition: 1,
        messages: [{ key: null, value: null, offset: '7', timestamp: '0' }],
      },
      resolveOffset: (offset) => void resolved.push(offset),
      heartbeat: async () => undefined,
      commitOffsetsIfNecessary: async () => undefined,
      isRunning: () => true,
    };
    const batch = new EachBatchAdapter(payload, consumer);
    batch.resolveOffset('7');
    await batch.commit('7');
    expect([batch.topic, batch.partition, batch.records.length]).toEqual(['orders', 1, 1]);
    expect(resolved).toEqual(['7']);
    expect(committed).toEqual([[{ topic: 'orders', partition: 1, offset: '8' }]]);
  });
});
