import { OutgoingRecord, RecordOutcome, SendBatcher } from './send-batcher';

const record = (value: string, topic = 't'): OutgoingRecord => ({ topic, message: { value } });

describe('SendBatcher', () => {
  it('writes concurrent sends together and gives each caller its own outcome', async () => {
    const writes: string[][] = [];
    const batcher = new SendBatcher<string>(
      async (records) => {
        writes.push(records.map((r) => String(r.message.value)));
        return records.map((r): RecordOutcome<string> =>
          r.message.value === 'bad'
            ? { ok: false, error: new Error('partition down') }
            : { ok: true, value: `@${r.message.value}` },
        );
      },
      5,
      100,
    );
    const results = await Promise.allSettled(['a', 'bad', 'b'].map((v) => batcher.add(record(v))));
    expect(writes).toEqual([['a', 'bad', 'b']]);
    expect(results).toEqual([
      { status: 'fulfilled', value: '@a' },
      { status: 'rejected', reason: new Error('partition down') },
      { status: 'fulfilled', value: '@b' },
    ]);
  });

  it('flushes as soon as maxBatchSize records wait, and rejects a whole batch whose write throws', async () => {
    const sizes: number[] = [];
    const batcher = new SendBatcher<number>(
      async (records) => {
        sizes.push(records.length);
        if (records.some((r) => r.topic === 'gone')) throw new Error('not connected');
        return records.map((_, i) => ({ ok: true, value: i }));
      },
      60_000,
      2,
    );
    await expect(Promise.all([batcher.add(record('1')), batcher.add(record('2'))])).resolves.toEqual([0, 1]);
    await expect(Promise.all([batcher.add(record('3', 'gone')), batcher.add(record('4'))])).rejects.toThrow(
      'not connected',
    );
    expect(sizes).toEqual([2, 2]);
  });

  it('drains: writes what waits and waits for it', async () => {
    let written = 0;
    const batcher = new SendBatcher<number>(
      async (records) => {
        written += records.length;
        return records.map(() => ({ ok: true, value: 1 }));
      },
      60_000,
      100,
    );
    const pending = batcher.add(record('x'));
    await batcher.drain();
    expect(written).toBe(1);
    await expect(pending).resolves.toBe(1);
  });
});
