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
  return {
    startedAt: Date.now(),
    timeoutMs,
    lease: partition,
    handler: 'Orders.handle',
    topic: 'fsm.orders',
    partition: 2,
    offset: '1841',
    cut: (r) => cutWith.push(r),
    cutWith,
  };
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

  it('warns about a long attempt at 30 s and every 30 s after, naming the handler, record and timeout', () => {
    const warn = jest.fn();
    const watch = new InFlightWatch(3000, 300_000, { warn });
    const hung = attempt(300_000, control());
    watch.add(hung);
    const finished = attempt(300_000, control());
    watch.add(finished);
    jest.advanceTimersByTime(29_000);
    watch.delete(finished);
    expect(warn).not.toHaveBeenCalled();
    jest.advanceTimersByTime(1_100);
    expect(warn.mock.calls).toEqual([
      [
        'Orders.handle has been running for 30 s on fsm.orders/2/1841 (timeout 300 s: then it is cut and retried or parked)',
      ],
    ]);
    jest.advanceTimersByTime(29_000);
    expect(warn).toHaveBeenCalledTimes(1);
    jest.advanceTimersByTime(1_000);
    expect(warn).toHaveBeenCalledTimes(2);
    expect(warn.mock.calls[1][0]).toMatch(/running for 60 s/);
    // Until its timeout: warned at 30, 60, ... 270 s (9 times), then cut.
    jest.advanceTimersByTime(240_000);
    expect(hung.cutWith).toEqual(['timed-out']);
    expect(warn).toHaveBeenCalledTimes(9);
  });

  it('warns at half a timeout shorter than a minute, and every 30 s for an attempt with no timeout', () => {
    const warn = jest.fn();
    const watch = new InFlightWatch(3000, 2000, { warn });
    watch.add(attempt(2000, control()));
    watch.add(attempt(0, control()));
    jest.advanceTimersByTime(1100);
    expect(warn.mock.calls.map(([line]) => line)).toEqual([
      expect.stringMatching(/running for 1 s .*\(timeout 2 s/),
    ]);
    jest.advanceTimersByTime(30_000);
    expect(warn.mock.calls.map(([line]) => line)).toEqual([
      expect.stringMatching(/timeout 2 s/),
      expect.stringMatching(/running for 30 s .*\(no timeout: it runs until it settles/),
    ]);
    expect(watch.running()).toEqual(['Orders.handle on fsm.orders/2/1841 (running 31 s)']);
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
