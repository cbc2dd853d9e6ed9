import { FleetHandling, fleetFigures, quantile } from './fleet-figures';

describe('fleet figures', () => {
  // Partition 0 gets an event every 10 ms from t=0; the window is [100, 300].
  const sent = new Map(Array.from({ length: 40 }, (_, i) => [`e-${i}`, i * 10] as [string, number]));
  const handledAfter = (
    ms: (i: number) => number,
    replica: (i: number) => number = () => 0,
  ): FleetHandling[] =>
    Array.from({ length: 40 }, (_, i) => ({
      id: `e-${i}`,
      at: i * 10 + ms(i),
      replica: replica(i),
      partition: 0,
    }));

  it('measures end to end from send to first handling, only for events sent in the window', () => {
    const handlings = handledAfter((i) => (i === 5 ? 5000 : i >= 10 && i <= 30 ? i : 1));
    // A second, later handling of e-20 (a duplicate) does not count.
    handlings.push({ id: 'e-20', at: 9999, replica: 1, partition: 0 });
    const f = fleetFigures(sent, handlings, { from: 100, to: 300 });
    expect(f.sent).toBe(21);
    expect(f.e2eMaxMs).toBe(30);
    expect(f.e2eP99Ms).toBe(30);
  });

  it('finds the longest gap of a partition that stayed with its replica, not of one that moved', () => {
    // e-15 comes 400 ms late on the same replica: the events after it arrive behind it.
    const stayed = handledAfter((i) => (i >= 15 && i <= 19 ? 400 - (i - 15) * 10 : 0));
    expect(fleetFigures(sent, stayed, { from: 100, to: 300 }).longestPauseMs).toBe(410);
    // The same gap when the partition moved to replica 1 at e-15 is the move's, not a pause.
    const moved = handledAfter(
      (i) => (i >= 15 && i <= 19 ? 400 - (i - 15) * 10 : 0),
      (i) => (i >= 15 ? 1 : 0),
    );
    expect(fleetFigures(sent, moved, { from: 100, to: 300 }).longestPauseMs).toBe(10);
  });

  it('takes the nearest-rank quantile', () => {
    const values = Array.from({ length: 100 }, (_, i) => i + 1);
    expect(quantile(values, 0.99)).toBe(99);
    expect(quantile(values, 1)).toBe(100);
    expect(quantile([], 0.99)).toBe(0);
  });
});
