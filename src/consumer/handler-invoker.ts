import { backoffDelay } from '../common/backoff';
import { eventContextStorage } from '../context/event-context.storage';
import { HandlerTimeoutError } from '../errors/handler-timeout.error';
import type { EventContext } from '../interfaces/event-context.interface';
import type { EventHandlerDefinition } from '../routing/event-handler.definition';
import type { RecordHeaders } from '../interfaces/kafka-record.interface';
import type { PartitionLease } from '../interfaces/partition-lease.interface';
import { decodeHeaders } from '../routing/event-record.parser';
import type { ConsumerTelemetry } from '../telemetry/consumer-telemetry';
import type { TracedOperation } from '../telemetry/tracing';
import { InFlightWatch, WatchedAttempt, WatchLog } from './in-flight.watch';

export type HandlerOutcome =
  | { status: 'ok'; attempts: number }
  | { status: 'failed'; error: unknown; attempts: number }
  /** Given up without a verdict (partition lost, shutdown deadline): the record stays uncommitted. */
  | { status: 'abandoned'; attempts: number };

/** What the dispatcher knows of a record before a handler runs: the context minus the per-attempt fields. */
export type RecordContext = Omit<EventContext, 'handler' | 'attempt' | 'signal'> & {
  /** The record's headers as received, to decode a fresh copy from. */
  rawHeaders: RecordHeaders | undefined;
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
    heartbeatIntervalMs: number,
    handlers: readonly EventHandlerDefinition[],
    private readonly telemetry: ConsumerTelemetry = {},
    log?: WatchLog,
  ) {
    const limits = handlers.map((h) => h.timeoutMs).filter((ms) => ms > 0);
    this.watch = new InFlightWatch(heartbeatIntervalMs, limits.length > 0 ? Math.min(...limits) : 0, log);
  }

  /** The handler attempts in flight, described for a log line (shutdown). */
  running(): string[] {
    return this.watch.running();
  }

  /**
   * The first attempt runs without an async frame of its own (most records succeed the first time, and every
   * promise costs more while AsyncLocalStorage is on); retries go through `retry`.
   */
  run(
    handler: EventHandlerDefinition,
    body: unknown,
    record: RecordContext,
    lease: PartitionLease,
  ): Promise<HandlerOutcome> | HandlerOutcome {
    let pending: Promise<void> | undefined;
    try {
      pending = this.attempt(handler, body, record, 1, lease);
    } catch (error) {
      return this.retry(handler, body, record, lease, error);
    }
    if (!pending) return OK_FIRST_TIME;
    return pending.then(
      () => OK_FIRST_TIME,
      (error: unknown) => this.retry(handler, body, record, lease, error),
    );
  }

  /** After attempt 1 failed with `error`: more attempts with backoff, or the verdict. */
  private async retry(
    handler: EventHandlerDefinition,
    body: unknown,
    record: RecordContext,
    lease: PartitionLease,
    error: unknown,
  ): Promise<HandlerOutcome> {
    for (let failed = 1; ; failed++) {
      if (error instanceof ShutdownAbort) return { status: 'abandoned', attempts: failed };
      if (failed >= handler.retry.attempts || handler.isNonRetryable(error)) {
        return { status: 'failed', error, attempts: failed };
      }
      if (!(await lease.wait(backoffDelay(failed, handler.retry)))) {
        return { status: 'abandoned', attempts: failed };
      }
      this.telemetry.metrics?.retry(
        this.telemetry.metrics.handlerAttributes(record.groupId, record.topic, handler.id),
      );
      try {
        const pending = this.attempt(handler, body, record, failed + 1, lease);
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

  /** One attempt, timed for `messaging.process.duration` when metrics are on. */
  private attempt(
    handler: EventHandlerDefinition,
    body: unknown,
    record: RecordContext,
    attempt: number,
    lease: PartitionLease,
  ): Promise<void> | undefined {
    const metrics = this.telemetry.metrics;
    if (!metrics) return this.start(handler, body, record, attempt, lease);
    const attributes = metrics.handlerAttributes(record.groupId, record.topic, handler.id);
    const started = performance.now();
    const seconds = () => (performance.now() - started) / 1000;
    let pending: Promise<void> | undefined;
    try {
      pending = this.start(handler, body, record, attempt, lease);
    } catch (error) {
      metrics.attempt(attributes, seconds(), error);
      throw error;
    }
    if (!pending) {
      metrics.attempt(attributes, seconds());
      return undefined;
    }
    return pending.then(
      () => metrics.attempt(attributes, seconds()),
      (error: unknown) => {
        metrics.attempt(attributes, seconds(), error);
        throw error;
      },
    );
  }

  /**
   * One call of the handler. A handler that returns without a promise is done at once: nothing is watched.
   * The context's AbortSignal is made only when the handler reads it (creating one costs more than a
   * trivial handler).
   */
  private start(
    handler: EventHandlerDefinition,
    body: unknown,
    record: RecordContext,
    attempt: number,
    lease: PartitionLease,
  ): Promise<void> | undefined {
    const context = new AttemptContext(record, handler.id, attempt);
    const span = this.telemetry.tracing?.startProcess(record, record.rawHeaders, handler.id, attempt);
    if (span) return this.traced(span, () => this.call(handler, body, context, lease));
    return this.call(handler, body, context, lease);
  }

  /** The attempt inside its CONSUMER span: the span ends with the attempt's outcome (a timeout included). */
  private traced(span: TracedOperation, call: () => Promise<void> | undefined): Promise<void> | undefined {
    let pending: Promise<void> | undefined;
    try {
      pending = span.run(call);
    } catch (error) {
      span.fail(error);
      throw error;
    }
    if (!pending) span.ok();
    else
      pending.then(
        () => span.ok(),
        (error: unknown) => span.fail(error),
      );
    return pending;
  }

  /** Calls the handler in its event context, and watches the attempt when it returns a promise. */
  private call(
    handler: EventHandlerDefinition,
    body: unknown,
    context: AttemptContext,
    lease: PartitionLease,
  ): Promise<void> | undefined {
    const result = eventContextStorage.run(context, () => handler.invoke(body, context));
    if (!isThenable(result)) return undefined;
    return this.watchAttempt(handler, context, lease, result);
  }

  private watchAttempt(
    handler: EventHandlerDefinition,
    context: AttemptContext,
    lease: PartitionLease,
    result: PromiseLike<unknown>,
  ): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const watched: WatchedAttempt = {
        startedAt: Date.now(),
        timeoutMs: handler.timeoutMs,
        lease,
        handler: handler.id,
        topic: context.topic,
        partition: context.partition,
        offset: context.offset,
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
