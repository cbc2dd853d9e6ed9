import { KafkaClientError } from '../client/kafka-client.error';
import type { WriteOutcome } from '../client/record-writer.port';
import { SendBatcher } from './send-batcher';

interface TestRecord {
  topic: string;
  value: string;
}
const record = (value: string, topic = 't'): TestRecord => ({ topic, value });
const written = (offset: number): WriteOutcome => ({ ok: true, partition: 0, offset: String(offset) });

describe('SendBatcher', () => {
  it('writes concurrent sends together and gives each caller its own outcome', async () => {
    const writes: string[][] = [];
    const down = new KafkaClientError('other', true, 'partition down');
    const batcher = new SendBatcher<TestRecord>(
      async (records) => {
        writes.push(records.map((r) => r.value));
        return records.map((r, i): WriteOutcome =>
          r.value === 'bad' ? { ok: false, error: down } : written(i),
        );
      },
      5,
      100,
    );
    const results = await Promise.allSettled(['a', 'bad', 'b'].map((v) => batcher.add(record(v))));
    expect(writes).toEqual([['a', 'bad', 'b']]);
    expect(results).toEqual([
      { status: 'fulfilled', value: written(0) },
      { status: 'rejected', reason: down },
      { status: 'fulfilled', value: written(2) },
    ]);
  });

  it('flushes as soon as maxBatchSize records wait, and rejects a whole batch whose write throws', async () => {
    const sizes: number[] = [];
    const batcher = new SendBatcher<TestRecord>(
      async (records) => {
        sizes.push(records.length);
        if (records.some((r) => r.topic === 'gone')) throw new Error('not connected');
        return records.map((_, i) => written(i));
      },
      60_000,
      2,
    );
    await expect(Promise.all([batcher.add(record('1')), batcher.add(record('2'))])).resolves.toEqual([
      written(0),
      written(1),
    ]);
    await expect(Promise.all([batcher.add(record('3', 'gone')), batcher.add(record('4'))])).rejects.toThrow(
      'not connected',
    );
    expect(sizes).toEqual([2, 2]);
  });

  it('sends a lone call at once, and gathers the calls made while a write is out into the next one', async () => {
    const writes: string[][] = [];
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const batcher = new SendBatcher<TestRecord>(
      async (records) => {
        writes.push(records.map((r) => r.value));
        if (writes.length === 1) await gate;
        return records.map((_, i) => written(i));
      },
      60_000,
      100,
    );
    const first = batcher.add(record('first'));
    await new Promise((r) => setImmediate(r));
    expect(writes).toEqual([['first']]);
    const later = [batcher.add(record('b')), batcher.add(record('c'))];
    release();
    await Promise.all([first, ...later]);
    // Not after the 60 s linger window: as soon as the first write ended.
    expect(writes).toEqual([['first'], ['b', 'c']]);
  });

  it('drains: writes what waits and waits for it', async () => {
    let count = 0;
    const batcher = new SendBatcher<TestRecord>(
      async (records) => {
        count += records.length;
        return records.map(() => written(1));
      },
      60_000,
      100,
    );
    const pending = batcher.add(record('x'));
    await batcher.drain();
    expect(count).toBe(1);
    await expect(pending).resolves.toEqual(written(1));
  });
});
