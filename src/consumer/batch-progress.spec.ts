import { Consumer, EachBatchPayload } from 'kafkajs';
import { BatchProgress } from './batch-progress';

/** A stub of what kafkajs lends a batch, recording what the progress asked of it. */
function stubBatch() {
  const log: string[] = [];
  const pendingCommits: (() => void)[] = [];
  const payload = {
    batch: { topic: 'jobs', partition: 2 },
    resolveOffset: (offset: string) => log.push(`resolve ${offset}`),
    commitOffsetsIfNecessary: async () => void log.push('commit-if-necessary'),
  } as unknown as EachBatchPayload;
  const consumer = {
    commitOffsets: (offsets: { offset: string }[]) =>
      new Promise<void>((resolve) => {
        log.push(`commit ${offsets.map((o) => o.offset).join(',')}`);
        pendingCommits.push(resolve);
      }),
  } as unknown as Consumer;
  const release = async () => {
    pendingCommits.shift()?.();
    await new Promise((r) => setImmediate(r));
  };
  return { payload, consumer, log, release };
}

const noBeat = async () => undefined;

describe('BatchProgress', () => {
  it('manual commits: one at a time, each for the latest finished record (offset + 1)', async () => {
    const { payload, consumer, log, release } = stubBatch();
    const progress = new BatchProgress(payload, consumer, false, 60_000, noBeat);
    void progress.finished('10');
    void progress.finished('11');
    void progress.finished('12');
    // The first commit is out; 11 and 12 wait, and only the latest goes next.
    expect(log.filter((l) => l.startsWith('commit'))).toEqual(['commit 11']);
    await release();
    expect(log.filter((l) => l.startsWith('commit'))).toEqual(['commit 11', 'commit 13']);
    const settled = progress.settle();
    await release();
    await settled;
  });

  it('rethrows a failed commit from settle, so kafkajs sees it as the batch failing', async () => {
    const { payload, log } = stubBatch();
    const failing = {
      commitOffsets: async () => {
        log.push('commit');
        throw new Error('REBALANCE_IN_PROGRESS');
      },
    } as unknown as Consumer;
    const progress = new BatchProgress(payload, failing, false, 60_000, noBeat);
    void progress.finished('3');
    await expect(progress.settle()).rejects.toThrow('REBALANCE_IN_PROGRESS');
  });

  it('auto-commit: resolves only the last finished record, on the commit timer and at close', async () => {
    jest.useFakeTimers();
    try {
      const { payload, consumer, log } = stubBatch();
      const progress = new BatchProgress(payload, consumer, true, 60_000, noBeat);
      for (const offset of ['1', '2', '3']) void progress.finished(offset);
      expect(log).toEqual([]);
      await jest.advanceTimersByTimeAsync(200);
      expect(log).toEqual(['resolve 3', 'commit-if-necessary']);
      void progress.finished('4');
      await progress.close();
      expect(log).toEqual(['resolve 3', 'commit-if-necessary', 'resolve 4']);
      // Closed: the timer asks nothing more.
      await jest.advanceTimersByTimeAsync(1000);
      expect(log).toHaveLength(3);
    } finally {
      jest.useRealTimers();
    }
  });

  it('heartbeats when the beat interval has passed, not after every record', () => {
    let beats = 0;
    const { payload, consumer } = stubBatch();
    const now = jest.spyOn(Date, 'now');
    try {
      now.mockReturnValue(1_000);
      const progress = new BatchProgress(payload, consumer, false, 1000, async () => void beats++);
      void progress.finished('1');
      now.mockReturnValue(1_500);
      void progress.finished('2');
      expect(beats).toBe(0);
      now.mockReturnValue(2_000);
      void progress.finished('3');
      expect(beats).toBe(1);
    } finally {
      now.mockRestore();
    }
  });
});
