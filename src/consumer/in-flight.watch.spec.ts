import type { PartitionLease } from '../interfaces/partition-lease.interface';
import { InFlightWatch, WatchedAttempt } from './in-flight.watch';

function control(): PartitionLease & { beats: number } {
  const c = {
    beats: 0,
    active: true,
    heartbeat: async () => {
      c.beats++;
    },
    wait: async () => true,
  };
  return c;
}

function attempt(
  timeoutMs: number,
  partition: PartitionLease,
): WatchedAttempt & { cutWith: (Error | 'timed-out')[] } {
  const cutWith: (Error | 'timed-out')[] = [];
  return { startedAt: Date.now(), timeoutMs, lease: partition, cut: (r) => cutWith.push(r), cutWith };
}

describe('InFlightWatch', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('cuts an attempt once its time limit has passed, within a tick, and not before', () => {
    const watch = new InFlightWatch(3000, 200);
    const slow = attempt(200, control());
    const unlimited = attempt(0, control());
    watch.add(slow);
    watch.add(unlimited);
    jest.advanceTimersByTime(150);
    expect(slow.cutWith).toEqual([]);
    jest.advanceTimersByTime(100);
    expect(slow.cutWith).toEqual(['timed-out']);
    jest.advanceTimersByTime(60_000);
    expect(unlimited.cutWith).toEqual([]);
  });

  it('heartbeats each partition with work in flight once per beat, however many attempts it has', () => {
    const watch = new InFlightWatch(3000, 0);
    const a = control();
    const b = control();
    for (const c of [a, a, a, b]) watch.add(attempt(0, c));
    jest.advanceTimersByTime(1000);
    expect([a.beats, b.beats]).toEqual([1, 1]);
    jest.advanceTimersByTime(1000);
    expect([a.beats, b.beats]).toEqual([2, 2]);
  });

  it('stops its timer when nothing is in flight, and starts it again for new work', () => {
    const watch = new InFlightWatch(3000, 100);
    const first = attempt(100, control());
    watch.add(first);
    watch.delete(first);
    jest.advanceTimersByTime(100);
    expect(jest.getTimerCount()).toBe(0);
    const second = attempt(100, control());
    watch.add(second);
    expect(jest.getTimerCount()).toBe(1);
    jest.advanceTimersByTime(150);
    expect(second.cutWith).toEqual(['timed-out']);
  });

  it('cuts every attempt in flight with the reason given (shutdown)', () => {
    const watch = new InFlightWatch(3000, 0);
    const attempts = [attempt(0, control()), attempt(0, control())];
    for (const a of attempts) watch.add(a);
    const reason = new Error('shutdown deadline');
    watch.cutAll(reason);
    expect(attempts.map((a) => a.cutWith)).toEqual([[reason], [reason]]);
  });
});
