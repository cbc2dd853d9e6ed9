import { Logger } from '@nestjs/common';
import { EventForbiddenError } from '../errors/event-forbidden.error';
import { EventParseError } from '../errors/event-parse.error';
import type { DeadLetterFailure, DeadLetterSink } from '../interfaces/dead-letter.interface';
import type { ConsumerGroupDefinition, EventHandlerDefinition } from '../routing/event-handler.definition';
import type { ConsumedRecord } from '../interfaces/kafka-record.interface';
import { EventHeaders } from '../kafka.constants';
import { skippedEvent } from '../kafka.messages';
import { decodeHeaders, eventNameFromBody, headerText, parseEventBody } from '../routing/event-record.parser';
import { EventRouter } from '../routing/event-router';
import { asValidationError } from '../validation/validation-issues';
import { HandlerInvoker, HandlerOutcome, RecordContext } from './handler-invoker';
import type { PartitionLease } from '../interfaces/partition-lease.interface';
import type { ConsumerTelemetry } from '../telemetry/consumer-telemetry';

/** The partition a record came from, and the consumer's lease on it (a PartitionBatch). */
export type LeasedPartition = PartitionLease & { readonly topic: string; readonly partition: number };

/** What a failure adds to its record to become a dead-letter failure. */
interface Failure {
  reason: DeadLetterFailure['reason'];
  error: unknown;
  /** Class.method, or the handlers' ids joined by commas when the record never reached them. */
  handler: string;
  eventName: string | undefined;
  attempts: number;
  /** The parsed value, if it was parsed: a correlation id may be in it. */
  body: unknown;
}

export type DispatchOutcome = 'handled' | 'skipped' | 'parked' | 'abandoned';

/** Distinct (topic, event name) pairs a dispatcher logs as skipped; past it, skips are only counted. */
const MAX_LOGGED_SKIPS = 1000;

export interface DispatchCounters {
  handled: number;
  skipped: number;
  parked: number;
}

/**
 * Turns one record into exactly one outcome for its consumer group: handled by every matching handler,
 * skipped (no handler of the group wants it), parked in the DLQ (a handler threw, or the record is not
 * an event), or abandoned (the DLQ could not be written before the consumer gave the partition up; the
 * offset stays uncommitted so the record comes back). The record is parsed once for all its handlers.
 */
export class EventDispatcher {
  readonly counters: DispatchCounters = { handled: 0, skipped: 0, parked: 0 };
  private readonly router: EventRouter<EventHandlerDefinition>;
  private readonly logger: Logger;
  // topic -> event names already logged as skipped: two lookups, no key string built per record.
  private readonly loggedSkips = new Map<string, Set<string>>();
  private loggedSkipCount = 0;

  private readonly invoker: HandlerInvoker;

  constructor(
    private readonly group: ConsumerGroupDefinition,
    private readonly deadLetter: DeadLetterSink,
    heartbeatIntervalMs: number,
    telemetry: ConsumerTelemetry = {},
  ) {
    this.router = new EventRouter(group.handlers);
    this.logger = new Logger(`KafkaConsumer:${group.groupId}`);
    this.invoker = new HandlerInvoker(heartbeatIntervalMs, group.handlers, telemetry, this.logger);
  }

  async dispatch(batch: LeasedPartition, record: ConsumedRecord): Promise<DispatchOutcome> {
    const { topic, partition } = batch;
    const headers = decodeHeaders(record.headers);
    let eventName: string | undefined = headers[EventHeaders.EVENT_NAME] || undefined;
    let body: unknown;
    let parsed = false;
    let handlers: readonly EventHandlerDefinition[] = [];

    try {
      if (!eventName) {
        body = parseEventBody(record.value);
        parsed = true;
        eventName = eventNameFromBody(body);
      }
      handlers = this.router.route(eventName, topic);
      if (handlers.length === 0) {
        this.counters.skipped++;
        this.logSkip(topic, eventName);
        return 'skipped';
      }
      if (!parsed) body = parseEventBody(record.value);
    } catch (error) {
      if (!(error instanceof EventParseError)) throw error;
      const handler = handlers.map((h) => h.id).join(',');
      const failure = { reason: error.reason, error, handler, eventName, attempts: 1, body };
      return this.park(batch, record, [this.failure(batch, record, failure)]);
    }

    const context: RecordContext = {
      topic,
      headers,
      partition,
      offset: record.offset,
      key: record.key ? record.key.toString() : null,
      timestamp: record.timestamp,
      eventName,
      groupId: this.group.groupId,
      rawHeaders: record.headers,
      shared: handlers.length > 1,
    };
    let outcomes: HandlerOutcome[];
    if (handlers.length === 1) {
      const only = this.invoker.run(handlers[0], body, context, batch);
      // A handler that finished synchronously costs no await (and no promise) here.
      outcomes = [only instanceof Promise ? await only : only];
    } else {
      outcomes = await Promise.all(
        handlers.map((handler) => this.invoker.run(handler, body, context, batch)),
      );
    }
    let failures: DeadLetterFailure[] | undefined;
    for (let i = 0; i < outcomes.length; i++) {
      const outcome = outcomes[i];
      if (outcome.status === 'abandoned') return 'abandoned';
      if (outcome.status === 'failed') {
        // A schema's or a pipe's refusal, or a validator's array thrown by the handler, is parked as
        // `validation`; a guard's refusal as `forbidden`.
        const invalid = asValidationError(outcome.error, handlers[i].id);
        (failures ??= []).push(
          this.failure(batch, record, {
            reason: invalid
              ? 'validation'
              : outcome.error instanceof EventForbiddenError
                ? 'forbidden'
                : 'handler-error',
            error: invalid ?? outcome.error,
            handler: handlers[i].id,
            eventName,
            attempts: outcome.attempts,
            body,
          }),
        );
      }
    }
    if (!failures) {
      this.counters.handled++;
      return 'handled';
    }
    return this.park(batch, record, failures);
  }

  /** Ends handlers still running at the shutdown deadline; their records stay uncommitted. */
  /**
   * A record no handler of the group wants is skipped: normal on a topic shared by several events, but a typo
   * in a name looks the same. The first skip of each event name per topic is logged at debug level (once; the
   * group's `skipped` counter counts them all).
   */
  private logSkip(topic: string, eventName: string): void {
    let names = this.loggedSkips.get(topic);
    if (names?.has(eventName) || this.loggedSkipCount >= MAX_LOGGED_SKIPS) return;
    if (!names) this.loggedSkips.set(topic, (names = new Set()));
    names.add(eventName);
    this.loggedSkipCount++;
    this.logger.debug(skippedEvent(eventName, topic, this.group.handlers));
  }

  /** The handler attempts in flight, described for a log line (shutdown). */
  running(): string[] {
    return this.invoker.running();
  }

  abortInFlight(reason: string): void {
    this.invoker.abortInFlight(reason);
  }

  private failure(batch: LeasedPartition, record: ConsumedRecord, failure: Failure): DeadLetterFailure {
    return {
      topic: batch.topic,
      partition: batch.partition,
      offset: record.offset,
      timestamp: record.timestamp,
      reason: failure.reason,
      error: failure.error,
      failedAt: new Date(),
      groupId: this.group.groupId,
      handler: failure.handler,
      eventName: failure.eventName,
      // From the record itself: a handler may have edited the headers it was given.
      correlationId:
        headerText(record.headers, EventHeaders.CORRELATION_ID) || correlationFromBody(failure.body),
      attempts: failure.attempts,
    };
  }

  private async park(
    batch: LeasedPartition,
    record: ConsumedRecord,
    failures: DeadLetterFailure[],
  ): Promise<DispatchOutcome> {
    if (!(await this.deadLetter.park(record, failures, batch))) return 'abandoned';
    this.counters.parked++;
    return 'parked';
  }
}

function correlationFromBody(body: unknown): string | undefined {
  if (body === null || typeof body !== 'object') return undefined;
  const record = body as Record<string, unknown>;
  const value = record.correlationId ?? record.correlation_id;
  return typeof value === 'string' ? value : undefined;
}
