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

  it('sends a lone call at once, and gathers the calls made while a write is out into the next one', async () => {
    const writes: string[][] = [];
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const batcher = new SendBatcher<string>(
      async (records) => {
        writes.push(records.map((r) => String(r.message.value)));
        if (writes.length === 1) await gate;
        return records.map(() => ({ ok: true, value: 'ok' }));
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
