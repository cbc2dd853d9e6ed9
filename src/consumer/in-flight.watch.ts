import type { PartitionLease } from '../interfaces/partition-lease.interface';

/** One handler attempt being watched: its time limit, its partition, and how to cut it short. */
export interface WatchedAttempt {
  readonly startedAt: number;
  /** 0 for no limit. */
  readonly timeoutMs: number;
  readonly lease: PartitionLease;
  /** Ends the attempt: `'timed-out'` when its limit passed, with the reason otherwise. Called once at most. */
  readonly cut: (reason: Error | 'timed-out') => void;
}

/**
 * How often the library asks the client for a heartbeat: a third of the interval, so a client's own throttle
 * (kafkajs: one per interval) lining up with ours never makes a beat slip to the next interval.
 */
export function heartbeatCadence(heartbeatIntervalMs: number): number {
  return Math.floor(heartbeatIntervalMs / 3);
}

/** Finest and coarsest tick; the tick is a quarter of the smallest handler timeout in between. */
const TICK_MS = { min: 5, max: 50 };

/**
 * One timer per consumer group for every handler attempt in flight, instead of a heartbeat interval and a
 * timeout per attempt: per record, that pair cost more than a trivial handler. Each tick heartbeats the
 * partitions with work in flight (kafkajs sends one only when its interval has passed) and cuts attempts past
 * their time limit. The timer stops on the first tick that finds nothing in flight.
 */
export class InFlightWatch {
  private readonly attempts = new Set<WatchedAttempt>();
  private readonly tickMs: number;
  private readonly beatEveryMs: number;
  private timer?: NodeJS.Timeout;
  private lastBeat = 0;

  constructor(heartbeatIntervalMs: number, smallestTimeoutMs: number) {
    this.tickMs = Math.min(
      TICK_MS.max,
      Math.max(TICK_MS.min, Math.floor((smallestTimeoutMs || Infinity) / 4)),
    );
    this.beatEveryMs = Math.max(this.tickMs, heartbeatCadence(heartbeatIntervalMs));
  }

  add(attempt: WatchedAttempt): void {
    this.attempts.add(attempt);
    if (!this.timer) {
      this.lastBeat = Date.now();
      this.timer = setInterval(() => this.tick(), this.tickMs);
      this.timer.unref();
    }
  }

  delete(attempt: WatchedAttempt): void {
    this.attempts.delete(attempt);
  }

  /** Cuts every attempt in flight with `reason`; each is cut once and no longer watched. */
  cutAll(reason: Error): void {
    const attempts = [...this.attempts];
    this.attempts.clear();
    for (const attempt of attempts) attempt.cut(reason);
  }

  private tick(): void {
    if (this.attempts.size === 0) {
      clearInterval(this.timer);
      this.timer = undefined;
      return;
    }
    const now = Date.now();
    const beat = now - this.lastBeat >= this.beatEveryMs;
    if (beat) this.lastBeat = now;
    const beaten = new Set<PartitionLease>();
    for (const attempt of [...this.attempts]) {
      if (attempt.timeoutMs > 0 && now - attempt.startedAt >= attempt.timeoutMs) {
        this.attempts.delete(attempt);
        attempt.cut('timed-out');
        continue;
      }
      if (beat && !beaten.has(attempt.lease)) {
        beaten.add(attempt.lease);
        attempt.lease.heartbeat().catch(() => undefined);
      }
    }
  }
}
