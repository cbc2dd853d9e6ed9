import type { PartitionLease } from '../interfaces/partition-lease.interface';
import { runningHandler, slowHandler } from '../kafka.messages';

/** One handler attempt being watched: its time limit, its partition, and how to cut it short. */
export interface WatchedAttempt {
  readonly startedAt: number;
  /** 0 for no limit. */
  readonly timeoutMs: number;
  readonly lease: PartitionLease;
  /** What a log line names: the handler (Class.method) and the record it works on. */
  readonly handler: string;
  readonly topic: string;
  readonly partition: number;
  readonly offset: string;
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

/** A handler attempt running this long is logged, and again each time as long again passes. */
export const SLOW_ATTEMPT_MS = 30_000;

/**
 * When an attempt is worth a warning, and how often after: every 30 s, or every half of its timeout when that
 * is shorter (so a 2 s timeout warns once, at 1 s, before it cuts). The default 5-minute timeout warns at
 * 30 s, 60 s, ... 270 s: a hung handler shows up in the log within 30 s, once per 30 s.
 */
export function slowWarningEvery(timeoutMs: number): number {
  return timeoutMs > 0 ? Math.min(SLOW_ATTEMPT_MS, Math.floor(timeoutMs / 2)) : SLOW_ATTEMPT_MS;
}

/** Where the watch writes its warnings (a Nest Logger with the group's context). */
export interface WatchLog {
  warn(message: string): void;
}

/**
 * One timer per consumer group for every handler attempt in flight, instead of a heartbeat interval and a
 * timeout per attempt: per record, that pair cost more than a trivial handler. Each tick heartbeats the
 * partitions with work in flight (kafkajs sends one only when its interval has passed) and cuts attempts past
 * their time limit. The timer stops on the first tick that finds nothing in flight.
 */
export class InFlightWatch {
  private readonly attempts = new Set<WatchedAttempt>();
  /** When each slow attempt is next warned about. */
  private readonly nextWarning = new Map<WatchedAttempt, number>();
  private readonly tickMs: number;
  private readonly beatEveryMs: number;
  private timer?: NodeJS.Timeout;
  private lastBeat = 0;

  constructor(
    heartbeatIntervalMs: number,
    smallestTimeoutMs: number,
    private readonly log: WatchLog = { warn: () => undefined },
  ) {
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
    this.nextWarning.delete(attempt);
  }

  /** The attempts in flight, each as `Class.method on topic/partition/offset (running N s)`: for shutdown. */
  running(now = Date.now()): string[] {
    return [...this.attempts].map((a) => runningHandler(a, now - a.startedAt));
  }

  /** Cuts every attempt in flight with `reason`; each is cut once and no longer watched. */
  cutAll(reason: Error): void {
    const attempts = [...this.attempts];
    this.attempts.clear();
    this.nextWarning.clear();
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
      const running = now - attempt.startedAt;
      if (attempt.timeoutMs > 0 && running >= attempt.timeoutMs) {
        this.delete(attempt);
        attempt.cut('timed-out');
        continue;
      }
      // Slow attempts are rare: only they pay for the map; the others cost one comparison per tick.
      const every = slowWarningEvery(attempt.timeoutMs);
      if (running >= every && now >= (this.nextWarning.get(attempt) ?? 0)) {
        this.nextWarning.set(attempt, attempt.startedAt + (Math.floor(running / every) + 1) * every);
        this.log.warn(slowHandler(attempt, running));
      }
      if (beat && !beaten.has(attempt.lease)) {
        beaten.add(attempt.lease);
        attempt.lease.heartbeat().catch(() => undefined);
      }
    }
  }
}
