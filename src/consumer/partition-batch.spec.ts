import type { ConsumedBatch } from '../client/group-consumer.port';
import { PartitionBatch } from './partition-batch';

/** A stub of what a client lends a batch, recording what the batch object asked of it. */
function stubBatch(overrides: Partial<ConsumedBatch> = {}) {
  const log: string[] = [];
  const pendingCommits: (() => void)[] = [];
  let running = true;
  const batch: ConsumedBatch = {
    topic: 'jobs',
    partition: 2,
    records: [],
    heartbeat: async () => void log.push('heartbeat'),
    isRunning: () => running,
    resolveOffset: (offset) => void log.push(`resolve ${offset}`),
    commitIfDue: async () => void log.push('commit-if-due'),
    commit: (offset) =>
      new Promise<void>((resolve) => {
        log.push(`commit ${offset}`);
        pendingCommits.push(resolve);
      }),
    ...overrides,
  };
  const release = async () => {
    pendingCommits.shift()?.();
    await new Promise((r) => setImmediate(r));
  };
  return { batch, log, release, stop: () => (running = false) };
}

const manual = { autoCommit: false, heartbeatEveryMs: 60_000 };

describe('PartitionBatch', () => {
  it('manual commits: one at a time, each for the latest finished record', async () => {
    const { batch, log, release } = stubBatch();
    const partition = new PartitionBatch(batch, manual);
    void partition.finished('10');
    void partition.finished('11');
    void partition.finished('12');
    // The first commit is out; 11 and 12 wait, and only the latest goes next.
    expect(log.filter((l) => l.startsWith('commit'))).toEqual(['commit 10']);
    await release();
    expect(log.filter((l) => l.startsWith('commit'))).toEqual(['commit 10', 'commit 12']);
    const settled = partition.settle();
    await release();
    await settled;
  });

  it('rethrows a failed commit from settle, so the client sees it as the batch failing', async () => {
    const { batch } = stubBatch({
      commit: async () => {
        throw new Error('REBALANCE_IN_PROGRESS');
      },
    });
    const partition = new PartitionBatch(batch, manual);
    void partition.finished('3');
    await expect(partition.settle()).rejects.toThrow('REBALANCE_IN_PROGRESS');
  });

  it('auto-commit: resolves only the last finished record, on the commit timer and at close', async () => {
    jest.useFakeTimers();
    try {
      const { batch, log } = stubBatch();
      const partition = new PartitionBatch(batch, { autoCommit: true, heartbeatEveryMs: 60_000 });
      for (const offset of ['1', '2', '3']) void partition.finished(offset);
      expect(log).toEqual([]);
      await jest.advanceTimersByTimeAsync(200);
      expect(log).toEqual(['resolve 3', 'commit-if-due']);
      void partition.finished('4');
      await partition.close();
      expect(log).toEqual(['resolve 3', 'commit-if-due', 'resolve 4']);
      // Closed: the timer asks nothing more.
      await jest.advanceTimersByTimeAsync(1000);
      expect(log).toHaveLength(3);
    } finally {
      jest.useRealTimers();
    }
  });

  it('heartbeats when the beat interval has passed, not after every record', () => {
    const { batch, log } = stubBatch();
    const now = jest.spyOn(Date, 'now');
    try {
      now.mockReturnValue(1_000);
      const partition = new PartitionBatch(batch, { autoCommit: false, heartbeatEveryMs: 1000 });
      void partition.finished('1');
      now.mockReturnValue(1_500);
      void partition.finished('2');
      expect(log.filter((l) => l === 'heartbeat')).toHaveLength(0);
      now.mockReturnValue(2_000);
      void partition.finished('3');
      expect(log.filter((l) => l === 'heartbeat')).toHaveLength(1);
    } finally {
      now.mockRestore();
    }
  });

  it('loses the lease when a heartbeat fails, and keeps the reason to rethrow after the batch', async () => {
    const rebalance = new Error('REBALANCE_IN_PROGRESS');
    const { batch } = stubBatch({ heartbeat: () => Promise.reject(rebalance) });
    const partition = new PartitionBatch(batch, manual);
    expect(partition.active).toBe(true);
    await expect(partition.heartbeat()).rejects.toBe(rebalance);
    expect(partition.active).toBe(false);
    expect(partition.lostMembership).toBe(rebalance);
  });

  it('waits heartbeating, and gives up as soon as the consumer stops', async () => {
    jest.useFakeTimers();
    try {
      const { batch, log, stop } = stubBatch();
      const partition = new PartitionBatch(batch, { autoCommit: false, heartbeatEveryMs: 100 });
      const full = partition.wait(350);
      await jest.advanceTimersByTimeAsync(350);
      await expect(full).resolves.toBe(true);
      expect(log.filter((l) => l === 'heartbeat').length).toBeGreaterThanOrEqual(3);

      const cut = partition.wait(10_000);
      await jest.advanceTimersByTimeAsync(100);
      stop();
      await jest.advanceTimersByTimeAsync(100);
      await expect(cut).resolves.toBe(false);
    } finally {
      jest.useRealTimers();
    }
  });
});
