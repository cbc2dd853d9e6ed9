import { IHeaders } from 'kafkajs';
import { decodeHeaders } from '../routing/event-record.parser';
import { HandlerTimeoutError } from '../errors/handler-timeout.error';
import { EventContext } from '../interfaces/event-context.interface';
import { EventHandlerDefinition } from '../interfaces/event-handler-definition.interface';
import { PartitionControl } from '../interfaces/partition-control.interface';
import { eventContextStorage } from './event-context.storage';
import { InFlightWatch, WatchedAttempt } from './in-flight.watch';
import { backoffDelay } from './retry-policy';

export type HandlerOutcome =
  | { status: 'ok'; attempts: number }
  | { status: 'failed'; error: unknown; attempts: number }
  /** Given up without a verdict (partition lost, shutdown deadline): the record stays uncommitted. */
  | { status: 'abandoned'; attempts: number };

/** What the dispatcher knows of a record before a handler runs: the context minus the per-attempt fields. */
export type RecordContext = Omit<EventContext, 'handler' | 'attempt' | 'signal'> & {
  /** The record's headers as received, to decode a fresh copy from. */
  rawHeaders: IHeaders | undefined;
  /** More than one handler receives this record. */
  shared: boolean;
};

/** Rejection reason used when the app's shutdown deadline cuts a handler short. */
class ShutdownAbort extends Error {
  override readonly name = 'ShutdownAbort';
}

const OK_FIRST_TIME: HandlerOutcome = Object.freeze({ status: 'ok', attempts: 1 });

/**
 * Runs one handler on one event: attempts with a timeout each, heartbeats while it works (so a handler slower
 * than the session timeout keeps its partitions), and exponential backoff between attempts, heartbeating
 * too. It never moves on from the record: the caller resolves the offset only after a final outcome.
 */
export class HandlerInvoker {
  private readonly watch: InFlightWatch;

  constructor(
    private readonly heartbeatIntervalMs: number,
    handlers: readonly EventHandlerDefinition[],
  ) {
    const limits = handlers.map((h) => h.timeoutMs).filter((ms) => ms > 0);
    this.watch = new InFlightWatch(heartbeatIntervalMs, limits.length > 0 ? Math.min(...limits) : 0);
  }

  /**
   * The first attempt runs without an async frame of its own (most records succeed the first time, and every
   * promise costs more while AsyncLocalStorage is on); retries go through `retry`.
   */
  run(
    handler: EventHandlerDefinition,
    body: unknown,
    record: RecordContext,
    control: PartitionControl,
  ): Promise<HandlerOutcome> | HandlerOutcome {
    let pending: Promise<void> | undefined;
    try {
      pending = this.attempt(handler, body, record, 1, control);
    } catch (error) {
      return this.retry(handler, body, record, control, error);
    }
    if (!pending) return OK_FIRST_TIME;
    return pending.then(
      () => OK_FIRST_TIME,
      (error: unknown) => this.retry(handler, body, record, control, error),
    );
  }

  /** After attempt 1 failed with `error`: more attempts with backoff, or the verdict. */
  private async retry(
    handler: EventHandlerDefinition,
    body: unknown,
    record: RecordContext,
    control: PartitionControl,
    error: unknown,
  ): Promise<HandlerOutcome> {
    for (let failed = 1; ; failed++) {
      if (error instanceof ShutdownAbort) return { status: 'abandoned', attempts: failed };
      if (failed >= handler.retry.attempts || handler.isNonRetryable(error)) {
        return { status: 'failed', error, attempts: failed };
      }
      if (!(await this.pause(backoffDelay(failed, handler.retry), control))) {
        return { status: 'abandoned', attempts: failed };
      }
      try {
        const pending = this.attempt(handler, body, record, failed + 1, control);
        if (pending) await pending;
        return { status: 'ok', attempts: failed + 1 };
      } catch (next) {
        error = next;
      }
    }
  }

  /** Ends every attempt in flight as abandoned (their handlers' promises are no longer awaited). */
  abortInFlight(reason: string): void {
    this.watch.cutAll(new ShutdownAbort(reason));
  }

  /**
   * One call of the handler. A handler that returns without a promise is done at once: nothing is watched.
   * The context's AbortSignal is made only when the handler reads it (creating one costs more than a
   * trivial handler).
   */
  private attempt(
    handler: EventHandlerDefinition,
    body: unknown,
    record: RecordContext,
    attempt: number,
    control: PartitionControl,
  ): Promise<void> | undefined {
    const context = new AttemptContext(record, handler.id, attempt);
    const result = eventContextStorage.run(context, () => handler.invoke(body, context));
    if (!isThenable(result)) return undefined;
    return new Promise<void>((resolve, reject) => {
      const watched: WatchedAttempt = {
        startedAt: Date.now(),
        timeoutMs: handler.timeoutMs,
        control,
        cut: (reason) => {
          const error =
            reason === 'timed-out' ? new HandlerTimeoutError(handler.id, handler.timeoutMs) : reason;
          context.abort(error);
          this.watch.delete(watched);
          reject(error);
        },
      };
      this.watch.add(watched);
      // The work may settle after a cut; settling an already settled promise does nothing, so no late rejection escapes.
      result.then(
        () => {
          this.watch.delete(watched);
          resolve();
        },
        (error: unknown) => {
          this.watch.delete(watched);
          reject(error);
        },
      );
    });
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

/**
 * The context one attempt receives. Its AbortSignal is made on first read: creating one per attempt cost
 * more than a trivial handler. `signal` is an accessor on the class, so a spread copy (`{ ...context }`)
 * leaves it out; pass `context.signal` on explicitly.
 */
class AttemptContext implements EventContext {
  readonly topic: string;
  readonly headers: Record<string, string>;
  readonly partition: number;
  readonly offset: string;
  readonly key: string | null;
  readonly timestamp: string;
  readonly eventName: string;
  readonly groupId: string;
  private controller?: AbortController;
  private abortReason?: Error;

  constructor(
    record: RecordContext,
    readonly handler: string,
    readonly attempt: number,
  ) {
    this.topic = record.topic;
    // One handler's edits never reach another handler or a retry: those get a copy of their own.
    this.headers = attempt === 1 && !record.shared ? record.headers : decodeHeaders(record.rawHeaders);
    this.partition = record.partition;
    this.offset = record.offset;
    this.key = record.key;
    this.timestamp = record.timestamp;
    this.eventName = record.eventName;
    this.groupId = record.groupId;
  }

  get signal(): AbortSignal {
    if (!this.controller) {
      this.controller = new AbortController();
      if (this.abortReason) this.controller.abort(this.abortReason);
    }
    return this.controller.signal;
  }

  abort(reason: Error): void {
    this.abortReason = reason;
    this.controller?.abort(reason);
  }
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (
    value !== null &&
    (typeof value === 'object' || typeof value === 'function') &&
    typeof (value as PromiseLike<unknown>).then === 'function'
  );
}
