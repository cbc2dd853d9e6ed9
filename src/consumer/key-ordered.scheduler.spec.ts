import { runKeyOrdered } from './key-ordered.scheduler';

interface Item {
  offset: number;
  key: string | null;
}

/** A run whose records finish when the test says so, recording what started and what was reported. */
function controlledRun(items: Item[], limit: number) {
  const started: number[] = [];
  const finishedPrefix: number[] = [];
  const pending = new Map<number, (ok: boolean) => void>();
  let maxInFlight = 0;
  let continueFlag = true;
  const done = runKeyOrdered(items, {
    limit,
    keyOf: (item) => item.key,
    run: (item) =>
      new Promise<boolean>((resolve) => {
        started.push(item.offset);
        pending.set(item.offset, (ok) => {
          pending.delete(item.offset);
          resolve(ok);
        });
        maxInFlight = Math.max(maxInFlight, pending.size);
      }),
    onFinished: (item) => finishedPrefix.push(item.offset),
    shouldContinue: () => continueFlag,
  });
  const finish = async (offset: number, ok = true) => {
    const resolve = pending.get(offset);
    if (!resolve) throw new Error(`offset ${offset} is not in flight (in flight: ${[...pending.keys()]})`);
    resolve(ok);
    // Let the scheduler's then-callbacks run.
    await new Promise((r) => setImmediate(r));
  };
  return {
    done,
    started,
    finishedPrefix,
    finish,
    inFlight: () => [...pending.keys()].sort((a, b) => a - b),
    maxInFlight: () => maxInFlight,
    stopContinuing: () => (continueFlag = false),
  };
}

const items = (keys: (string | null)[]): Item[] => keys.map((key, offset) => ({ offset, key }));

describe('runKeyOrdered', () => {
  it('starts records with different keys together, up to the limit', async () => {
    const run = controlledRun(items(['a', 'b', 'c', 'd', 'e']), 3);
    await new Promise((r) => setImmediate(r));
    expect(run.inFlight()).toEqual([0, 1, 2]);
    await run.finish(1);
    expect(run.inFlight()).toEqual([0, 2, 3]);
    for (const offset of [0, 2, 3, 4]) await run.finish(offset);
    await run.done;
    expect(run.maxInFlight()).toBe(3);
  });

  it('keeps records of one key in order while other keys go ahead of a blocked one', async () => {
    const run = controlledRun(items(['a', 'a', 'b', 'a', 'c']), 4);
    await new Promise((r) => setImmediate(r));
    // 1 and 3 wait behind 0 (same key) and hold no slot: 2 and 4 run.
    expect(run.inFlight()).toEqual([0, 2, 4]);
    await run.finish(0);
    expect(run.inFlight()).toEqual([1, 2, 4]);
    await run.finish(1);
    expect(run.inFlight()).toEqual([2, 3, 4]);
    for (const offset of [2, 3, 4]) await run.finish(offset);
    await run.done;
    const aOrder = run.started.filter((o) => [0, 1, 3].includes(o));
    expect(aOrder).toEqual([0, 1, 3]);
  });

  it('treats keyless records as one key', async () => {
    const run = controlledRun(items([null, null, 'x']), 4);
    await new Promise((r) => setImmediate(r));
    expect(run.inFlight()).toEqual([0, 2]);
    for (const offset of [0, 1, 2]) await run.finish(offset);
    await run.done;
  });

  it('reports only the finished prefix, never past the lowest unfinished record', async () => {
    const run = controlledRun(items(['a', 'b', 'c', 'd']), 4);
    await new Promise((r) => setImmediate(r));
    await run.finish(2);
    await run.finish(3);
    expect(run.finishedPrefix).toEqual([]);
    await run.finish(0);
    expect(run.finishedPrefix).toEqual([0]);
    await run.finish(1);
    expect(run.finishedPrefix).toEqual([0, 1, 2, 3]);
    await run.done;
  });

  it('starts nothing more after a run gives up, and leaves it and later records unreported', async () => {
    const run = controlledRun(items(['a', 'b', 'c', 'd', 'e']), 2);
    await new Promise((r) => setImmediate(r));
    await run.finish(0);
    await run.finish(1, false);
    expect(run.inFlight()).toEqual([2]);
    await run.finish(2);
    await run.done;
    expect(run.started).toEqual([0, 1, 2]);
    expect(run.finishedPrefix).toEqual([0]);
  });

  it('starts nothing more once the partition may not continue', async () => {
    const run = controlledRun(items(['a', 'b', 'c']), 1);
    await new Promise((r) => setImmediate(r));
    run.stopContinuing();
    await run.finish(0);
    await run.done;
    expect(run.started).toEqual([0]);
    expect(run.finishedPrefix).toEqual([0]);
  });

  it('rejects with the error a run throws, after the records in flight settle', async () => {
    const order: string[] = [];
    let releaseSlow!: () => void;
    const done = runKeyOrdered(items(['a', 'b', 'c']), {
      limit: 2,
      keyOf: (item) => item.key,
      run: (item) => {
        if (item.offset === 0) return Promise.reject(new Error('boom'));
        return new Promise<boolean>((resolve) => {
          releaseSlow = () => {
            order.push('slow settled');
            resolve(true);
          };
        });
      },
      onFinished: () => undefined,
      shouldContinue: () => true,
    });
    let settled = false;
    done.catch(() => (settled = true));
    await new Promise((r) => setImmediate(r));
    expect(settled).toBe(false);
    releaseSlow();
    await expect(done).rejects.toThrow('boom');
    expect(order).toEqual(['slow settled']);
  });

  it('settles at once for an empty batch', async () => {
    await expect(
      runKeyOrdered([], {
        limit: 1,
        keyOf: () => null,
        run: () => Promise.resolve(true),
        onFinished: () => undefined,
        shouldContinue: () => true,
      }),
    ).resolves.toBeUndefined();
  });
});
