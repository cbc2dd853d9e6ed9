import { performance } from 'node:perf_hooks';
import { LatencySummary, Measurement, WorkerTask } from './bench.types';

/** A point in time with the process's CPU use at that moment. */
export interface Mark {
  at: number;
  cpu: NodeJS.CpuUsage;
}

export function mark(): Mark {
  return { at: performance.now(), cpu: process.cpuUsage() };
}

export function peakRssMb(): number {
  // maxRSS is in kilobytes on Linux and macOS.
  return process.resourceUsage().maxRSS / 1024;
}

/** The figures of a measured window [start, end] in which `events` completed. */
export function measured(start: Mark, end: Mark, events: number, capped: boolean): Measurement {
  const elapsedMs = end.at - start.at;
  const cpuUs = end.cpu.user - start.cpu.user + (end.cpu.system - start.cpu.system);
  return {
    events,
    elapsedMs: round(elapsedMs, 1),
    eventsPerSec: elapsedMs > 0 ? round((events / elapsedMs) * 1000, 1) : 0,
    capped,
    cpuUsPerEvent: events > 0 ? round(cpuUs / events, 2) : 0,
    peakRssMb: round(peakRssMb(), 1),
  };
}

export function round(value: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

/** Resolves when `promise` does, or rejects after `ms` naming what was awaited. */
export async function withDeadline<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`Timed out after ${ms} ms waiting for ${what}`)), ms);
  });
  try {
    return await Promise.race([promise, deadline]);
  } finally {
    clearTimeout(timer);
  }
}

export interface ProduceLoopOptions {
  /** First sequence number (after a warm-up, the measured events continue its numbering). */
  from: number;
  total: number;
  concurrency: number;
  capMs: number;
  /** Sends events [seq, seq + count) and resolves once they are acknowledged. */
  send: (seq: number, count: number) => Promise<unknown>;
  /** Events per send call (1 for the per-event APIs). */
  perCall?: number;
}

/**
 * `concurrency` callers of a send API, each awaiting its call before making the next, until `total` events
 * went out or `capMs` passed (calls in flight at the cap still finish and count).
 */
export async function produceLoop(options: ProduceLoopOptions): Promise<Measurement> {
  const perCall = options.perCall ?? 1;
  const end = options.from + options.total;
  let next = options.from;
  let completed = 0;
  let capped = false;
  const start = mark();
  const stopAt = start.at + options.capMs;
  const caller = async (): Promise<void> => {
    while (next < end) {
      if (performance.now() > stopAt) {
        capped = true;
        return;
      }
      const seq = next;
      const count = Math.min(perCall, end - seq);
      next += count;
      await options.send(seq, count);
      completed += count;
    }
  };
  await Promise.all(Array.from({ length: options.concurrency }, caller));
  return measured(start, mark(), completed, capped);
}

/**
 * Counts events a consumer handles. The window runs from the first event to the `expected`-th (or to the
 * cap, counted from the first event); startup is from construction to the first event.
 */
export class ConsumeMeter {
  private seen = 0;
  private first?: Mark;
  private last?: Mark;
  private readonly createdAt = performance.now();
  private resolveFirst!: () => void;
  private resolveAll!: () => void;
  private readonly firstSeen = new Promise<void>((resolve) => (this.resolveFirst = resolve));
  private readonly allSeen = new Promise<void>((resolve) => (this.resolveAll = resolve));

  /** `onFirst` runs as the window opens (the request counter starts there). */
  constructor(
    private readonly expected: number,
    private readonly onFirst: () => void = () => undefined,
  ) {}

  /** Called by the handler once per event. */
  record(): void {
    if (this.seen === 0) {
      this.onFirst();
      this.first = mark();
      this.resolveFirst();
    }
    this.seen++;
    if (this.seen === this.expected) {
      this.last = mark();
      this.resolveAll();
    }
  }

  async result(capMs: number, firstEventTimeoutMs = 90_000): Promise<Measurement> {
    await withDeadline(this.firstSeen, firstEventTimeoutMs, 'the first event to reach the handler');
    let timer: NodeJS.Timeout | undefined;
    const cap = new Promise<'cap'>((resolve) => {
      const left = Math.max(0, this.first!.at + capMs - performance.now());
      timer = setTimeout(() => resolve('cap'), left);
    });
    const outcome = await Promise.race([this.allSeen.then(() => 'all' as const), cap]);
    clearTimeout(timer);
    const capped = outcome === 'cap';
    const end = capped ? mark() : this.last!;
    const result = measured(this.first!, end, capped ? this.seen : this.expected, capped);
    return { ...result, startupMs: round(this.first!.at - this.createdAt, 0) };
  }
}

/** p50, p99 and max of latencies in ms (nearest-rank percentiles). */
export function latencySummary(latencies: Float64Array | number[]): LatencySummary {
  const sorted = Float64Array.from(latencies).sort();
  const at = (p: number) =>
    sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))];
  return {
    count: sorted.length,
    p50Ms: round(at(0.5), 2),
    p99Ms: round(at(0.99), 2),
    maxMs: round(sorted[sorted.length - 1] ?? 0, 2),
  };
}

/**
 * End-to-end latency: sends at a fixed rate (a timer tops up to rate x elapsed every few ms), and records, per
 * sequence number, the time from the send call to the handler. The first `warmup` events are not measured.
 */
export class LatencyMeter {
  private readonly sentAt: Float64Array;
  private readonly latencies: Float64Array;
  /** From the send call until the send API resolved (the broker acknowledged), measured events only. */
  private readonly ackLatencies: Float64Array;
  private acked = 0;
  private received = 0;
  private measuredReceived = 0;
  private sent = 0;
  private failures = 0;
  private resolveAll!: () => void;
  private readonly allReceived = new Promise<void>((resolve) => (this.resolveAll = resolve));
  private windowStart?: Mark;

  constructor(
    private readonly total: number,
    private readonly warmup: number,
  ) {
    this.sentAt = new Float64Array(total);
    this.latencies = new Float64Array(total - warmup);
    this.ackLatencies = new Float64Array(total - warmup);
  }

  /** Called by the handler with the event's sequence number. */
  onReceived(seq: number): void {
    if (seq < 0 || seq >= this.total) return;
    const latency = performance.now() - this.sentAt[seq];
    if (seq >= this.warmup) this.latencies[this.measuredReceived++] = latency;
    this.received++;
    if (this.received === this.total) this.resolveAll();
  }

  /** `onWindowStart` runs as the first measured event is sent (the request counter starts there). */
  async run(
    ratePerSec: number,
    send: (seq: number) => Promise<unknown>,
    onWindowStart: () => void = () => undefined,
    drainTimeoutMs = 30_000,
  ): Promise<Measurement> {
    const t0 = performance.now();
    await new Promise<void>((resolve) => {
      const tick = () => {
        const due = Math.min(this.total, Math.floor(((performance.now() - t0) * ratePerSec) / 1000));
        while (this.sent < due) {
          const seq = this.sent++;
          if (seq === this.warmup) {
            onWindowStart();
            this.windowStart = mark();
          }
          const sentAt = (this.sentAt[seq] = performance.now());
          send(seq).then(
            () => {
              if (seq >= this.warmup) this.ackLatencies[this.acked++] = performance.now() - sentAt;
            },
            () => this.failures++,
          );
        }
        if (this.sent >= this.total) {
          clearInterval(timer);
          resolve();
        }
      };
      const timer = setInterval(tick, 5);
    });
    await withDeadline(
      this.allReceived,
      drainTimeoutMs,
      `all ${this.total} events to reach the handler (${this.received} did, ${this.failures} sends failed)`,
    );
    const result = measured(this.windowStart ?? mark(), mark(), this.total - this.warmup, false);
    return {
      ...result,
      latency: latencySummary(this.latencies.subarray(0, this.measuredReceived)),
      ackLatency: latencySummary(this.ackLatencies.subarray(0, this.acked)),
    };
  }
}

/** Unmeasured events first: connections, metadata and JIT warm up as they would in a running service. */
export function warmupEvents(task: WorkerTask): number {
  return Math.max(200, task.concurrency ?? 1, (task.batchSize ?? 1) * (task.inFlight ?? 1));
}

/** Sequence number of the probe event that tells a consumer is up before the paced stream starts. */
export const PROBE_SEQ = -1;

export function probeLatch(): { promise: Promise<void>; seen: () => void } {
  let seen!: () => void;
  const promise = new Promise<void>((resolve) => (seen = resolve));
  return { promise, seen };
}

export function e2eCounts(task: WorkerTask): { total: number; warmup: number } {
  const rate = task.ratePerSec!;
  const warmup = Math.round((rate * task.warmupMs!) / 1000);
  return { total: warmup + Math.round((rate * task.durationMs!) / 1000), warmup };
}
