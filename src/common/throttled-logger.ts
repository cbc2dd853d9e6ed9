import type { LoggerService } from '@nestjs/common';

type Level = 'log' | 'error' | 'warn' | 'debug' | 'verbose';

/** Lines that differ only in numbers (a retry delay, a count, a port) are the same line for throttling. */
const NUMBERS = /\d+(\.\d+)?/g;
/** Entries kept before old ones are dropped, so a stream of distinct lines cannot grow the map without end. */
const MAX_KEYS = 500;

/**
 * Writes each distinct line (same level, same text once numbers are ignored) at most once per window, and
 * says how many were held back when it next writes it. During an outage kafkajs and the library repeat the
 * same few lines every few seconds; an operator needs one of each per minute, not a wall of them.
 */
export class ThrottledLogger implements LoggerService {
  private readonly seen = new Map<string, { at: number; held: number }>();

  constructor(
    private readonly inner: LoggerService,
    private readonly windowMs = 60_000,
    private readonly now: () => number = Date.now,
  ) {}

  log(message: string): void {
    this.write('log', message);
  }

  warn(message: string): void {
    this.write('warn', message);
  }

  /** `stack`, when given, goes to the logger as Nest's second argument: printed as is, not escaped into the line. */
  error(message: string, stack?: string): void {
    this.write('error', message, stack);
  }

  debug(message: string): void {
    this.write('debug', message);
  }

  verbose(message: string): void {
    this.write('verbose', message);
  }

  private write(level: Level, message: string, stack?: string): void {
    const key = `${level}:${message.replace(NUMBERS, '#')}`;
    const now = this.now();
    const last = this.seen.get(key);
    if (last && now - last.at < this.windowMs) {
      last.held++;
      return;
    }
    if (this.seen.size >= MAX_KEYS) this.forgetBefore(now - this.windowMs);
    this.seen.delete(key);
    this.seen.set(key, { at: now, held: 0 });
    const line =
      last && last.held > 0
        ? `${message} (and ${last.held} more like it in the last ${Math.round((now - last.at) / 1000)} s)`
        : message;
    if (level === 'error') {
      if (stack) this.inner.error(line, stack);
      else this.inner.error(line);
    } else {
      this.inner[level]?.(line);
    }
  }

  private forgetBefore(time: number): void {
    for (const [key, entry] of this.seen) {
      if (entry.at < time || this.seen.size >= MAX_KEYS) this.seen.delete(key);
      else break;
    }
  }
}
