import { HandlerTimeoutError } from '../errors/handler-timeout.error';
import { EventContext } from '../interfaces/event-context.interface';
import { EventHandlerDefinition } from '../interfaces/event-handler-definition.interface';
import { PartitionControl } from '../interfaces/partition-control.interface';
import { eventContextStorage } from './event-context.storage';
import { backoffDelay } from './retry-policy';

export type HandlerOutcome =
  | { status: 'ok'; attempts: number }
  | { status: 'failed'; error: unknown; attempts: number }
  /** Given up without a verdict (partition lost, shutdown deadline): the record stays uncommitted. */
  | { status: 'abandoned'; attempts: number };

/** Rejection reason used when the app's shutdown deadline cuts a handler short. */
class ShutdownAbort extends Error {
  override readonly name = 'ShutdownAbort';
}

/**
 * Runs one handler on one event: attempts with a timeout each, heartbeats while it works (so a handler slower
 * than the session timeout keeps its partitions), and exponential backoff between attempts, heartbeating
 * too. It never moves on from the record: the caller resolves the offset only after a final outcome.
 */
export class HandlerInvoker {
  private readonly inFlight = new Set<(reason: Error) => void>();

  constructor(private readonly heartbeatIntervalMs: number) {}

  async run(
    handler: EventHandlerDefinition,
    body: unknown,
    context: Omit<EventContext, 'handler' | 'attempt' | 'signal'>,
    control: PartitionControl,
  ): Promise<HandlerOutcome> {
    for (let attempt = 1; ; attempt++) {
      try {
        await this.attempt(handler, body, context, attempt, control);
        return { status: 'ok', attempts: attempt };
      } catch (error) {
        if (error instanceof ShutdownAbort) return { status: 'abandoned', attempts: attempt };
        if (attempt >= handler.retry.attempts || handler.isNonRetryable(error)) {
          return { status: 'failed', error, attempts: attempt };
        }
        if (!(await this.pause(backoffDelay(attempt, handler.retry), control))) {
          return { status: 'abandoned', attempts: attempt };
        }
      }
    }
  }

  /** Ends every attempt in flight as abandoned (their handlers' promises are no longer awaited). */
  abortInFlight(reason: string): void {
    for (const abort of this.inFlight) abort(new ShutdownAbort(reason));
  }

  private async attempt(
    handler: EventHandlerDefinition,
    body: unknown,
    base: Omit<EventContext, 'handler' | 'attempt' | 'signal'>,
    attempt: number,
    control: PartitionControl,
  ): Promise<void> {
    const abort = new AbortController();
    // Each handler gets its own copy of the context, so one handler's edits never reach another.
    const context: EventContext = {
      ...base,
      headers: { ...base.headers },
      handler: handler.id,
      attempt,
      signal: abort.signal,
    };
    const beat = setInterval(() => void control.heartbeat().catch(() => undefined), this.heartbeatIntervalMs);
    let timer: NodeJS.Timeout | undefined;
    let cut!: (reason: Error) => void;
    const interrupted = new Promise<never>((_, reject) => {
      cut = (reason) => {
        abort.abort(reason);
        reject(reason);
      };
    });
    this.inFlight.add(cut);
    if (handler.timeoutMs > 0) {
      timer = setTimeout(
        () => cut(new HandlerTimeoutError(handler.id, handler.timeoutMs)),
        handler.timeoutMs,
      );
    }
    const work = eventContextStorage.run(context, () =>
      Promise.resolve().then(() => handler.invoke(body, context)),
    );
    // The work may settle after a timeout or an abort; its late rejection must not become unhandled.
    work.catch(() => undefined);
    try {
      await Promise.race([work, interrupted]);
    } finally {
      clearInterval(beat);
      clearTimeout(timer);
      this.inFlight.delete(cut);
    }
  }

  /** Waits `ms` in heartbeat-sized steps; false if the partition is lost or a rebalance starts meanwhile. */
  private async pause(ms: number, control: PartitionControl): Promise<boolean> {
    const until = Date.now() + ms;
    while (Date.now() < until) {
      if (!control.shouldContinue()) return false;
      await new Promise((resolve) =>
        setTimeout(resolve, Math.min(this.heartbeatIntervalMs, until - Date.now())),
      );
      try {
        await control.heartbeat();
      } catch {
        // A rebalance: stop retrying here; kafkajs rejoins once the batch returns and the record comes back.
        return false;
      }
    }
    return control.shouldContinue();
  }
}
