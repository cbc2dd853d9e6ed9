import type { ConsumedRecord } from '../interfaces/kafka-record.interface';
import { BoundedRead, FetchedBatch } from './bounded-read';
import type { ReadBatch } from './topic-reader.port';

const records = (from: number, to: number): ConsumedRecord[] =>
  Array.from({ length: to - from + 1 }, (_, i) => ({
    key: null,
    value: Buffer.from(String(from + i)),
    offset: String(from + i),
    timestamp: '0',
  }));

function fetched(partition: number, messages: ConsumedRecord[], resolved: string[]): FetchedBatch {
  return {
    partition,
    messages,
    heartbeat: async () => undefined,
    resolveOffset: (offset) => void resolved.push(`${partition}:${offset}`),
  };
}

describe('BoundedRead', () => {
  let paused: (number[] | 'all')[];
  let committed: string[];
  let handed: ReadBatch[];
  const eachBatch = async (batch: ReadBatch) => void handed.push(batch);
  const consumer = {
    pause: ([{ topic, partitions }]: { topic: string; partitions?: number[] }[]) =>
      void paused.push(topic === 'dlq' ? (partitions ?? 'all') : []),
    commitOffsets: async (offsets: { topic: string; partition: number; offset: string }[]) =>
      void committed.push(...offsets.map((o) => `${o.topic}[${o.partition}]@${o.offset}`)),
  };
  const read = (ends: [number, number][]) =>
    new BoundedRead(
      'dlq',
      ends.map(([partition, offset]) => ({ partition, offset: String(offset) })),
      consumer,
      (error) => new Error(`client: ${String(error)}`),
    );

  beforeEach(() => {
    paused = [];
    committed = [];
    handed = [];
  });

  it('hands over only the records below each end, pauses a partition at its end and is done when all are', async () => {
    const reading = read([
      [0, 3],
      [1, 2],
    ]);
    const resolved: string[] = [];
    await reading.take(fetched(0, records(0, 1), resolved), eachBatch);
    expect(paused).toEqual([]);
    await reading.take(fetched(0, records(2, 5), resolved), eachBatch);
    await reading.take(fetched(1, records(0, 1), resolved), eachBatch);
    await expect(reading.done).resolves.toBeUndefined();
    expect(handed.map((b) => [b.partition, b.records.map((r) => r.offset)])).toEqual([
      [0, ['0', '1']],
      [0, ['2']],
      [1, ['0', '1']],
    ]);
    expect(resolved).toEqual(['0:1', '0:2', '1:1']);
    expect(paused).toEqual([[0], [1]]);
  });

  it('pauses a partition that was not listed without handing anything over', async () => {
    const reading = read([[0, 5]]);
    await reading.take(fetched(2, records(0, 3), []), eachBatch);
    expect(handed).toEqual([]);
    expect(paused).toEqual([[2]]);
  });

  it('ends the read with the error eachBatch threw, unresolved, and stops fetching everything', async () => {
    const reading = read([[0, 5]]);
    const resolved: string[] = [];
    await reading.take(fetched(0, records(0, 2), resolved), async () => {
      throw new Error('DLQ write failed');
    });
    await expect(reading.done).rejects.toThrow('client: Error: DLQ write failed');
    expect(resolved).toEqual([]);
    expect(paused).toEqual(['all']);
  });

  it("commits through the reader's consumer: reading resumes after the record", async () => {
    const reading = read([[0, 5]]);
    await reading.take(fetched(0, records(0, 2), []), (batch) => batch.commit('1'));
    expect(committed).toEqual(['dlq[0]@2']);
  });
});
