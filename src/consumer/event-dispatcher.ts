import { KafkaMessage } from 'kafkajs';
import { DeadLetterFailure } from '../dead-letter/dead-letter.headers';
import { DeadLetterPublisher } from '../dead-letter/dead-letter.publisher';
import { PartitionControl } from '../interfaces/partition-control.interface';
import { EventParseError } from '../errors/event-parse.error';
import {
  ConsumerGroupDefinition,
  EventHandlerDefinition,
} from '../interfaces/event-handler-definition.interface';
import { EventHeaders } from '../kafka.constants';
import { decodeHeaders, eventNameFromBody, parseEventBody } from '../routing/event-record.parser';
import { EventRouter } from '../routing/event-router';
import { HandlerInvoker, HandlerOutcome, RecordContext } from './handler-invoker';

/** Where a record came from, for its DLQ failure description. */
interface ReceivedRecord {
  topic: string;
  partition: number;
  message: KafkaMessage;
}

export type DispatchOutcome = 'handled' | 'skipped' | 'parked' | 'abandoned';

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

  private readonly invoker: HandlerInvoker;

  constructor(
    private readonly group: ConsumerGroupDefinition,
    private readonly deadLetter: DeadLetterPublisher,
    heartbeatIntervalMs: number,
  ) {
    this.router = new EventRouter(group.handlers);
    this.invoker = new HandlerInvoker(heartbeatIntervalMs, group.handlers);
  }

  async dispatch(
    topic: string,
    partition: number,
    message: KafkaMessage,
    control: PartitionControl,
  ): Promise<DispatchOutcome> {
    const headers = decodeHeaders(message.headers);
    let eventName: string | undefined = headers[EventHeaders.EVENT_NAME] || undefined;
    let body: unknown;
    let parsed = false;
    let handlers: readonly EventHandlerDefinition[] = [];

    try {
      if (!eventName) {
        body = parseEventBody(message.value);
        parsed = true;
        eventName = eventNameFromBody(body);
      }
      handlers = this.router.route(eventName, topic);
      if (handlers.length === 0) {
        this.counters.skipped++;
        return 'skipped';
      }
      if (!parsed) body = parseEventBody(message.value);
    } catch (error) {
      if (!(error instanceof EventParseError)) throw error;
      const handlerIds = handlers.map((h) => h.id).join(',');
      const record = { topic, partition, message };
      return this.park(
        record,
        [this.failure(record, body, error.reason, error, handlerIds, eventName, 1)],
        control,
      );
    }

    const context: RecordContext = {
      topic,
      headers,
      partition,
      offset: message.offset,
      key: message.key ? message.key.toString() : null,
      timestamp: message.timestamp,
      eventName,
      groupId: this.group.groupId,
      rawHeaders: message.headers,
      shared: handlers.length > 1,
    };
    let outcomes: HandlerOutcome[];
    if (handlers.length === 1) {
      const only = this.invoker.run(handlers[0], body, context, control);
      // A handler that finished synchronously costs no await (and no promise) here.
      outcomes = [only instanceof Promise ? await only : only];
    } else {
      outcomes = await Promise.all(
        handlers.map((handler) => this.invoker.run(handler, body, context, control)),
      );
    }
    let failures: DeadLetterFailure[] | undefined;
    for (let i = 0; i < outcomes.length; i++) {
      const outcome = outcomes[i];
      if (outcome.status === 'abandoned') return 'abandoned';
      if (outcome.status === 'failed') {
        (failures ??= []).push(
          this.failure(
            { topic, partition, message },
            body,
            'handler-error',
            outcome.error,
            handlers[i].id,
            eventName,
            outcome.attempts,
          ),
        );
      }
    }
    if (!failures) {
      this.counters.handled++;
      return 'handled';
    }
    return this.park({ topic, partition, message }, failures, control);
  }

  /** Ends handlers still running at the shutdown deadline; their records stay uncommitted. */
  abortInFlight(reason: string): void {
    this.invoker.abortInFlight(reason);
  }

  private failure(
    record: ReceivedRecord,
    body: unknown,
    reason: DeadLetterFailure['reason'],
    error: unknown,
    handler: string,
    eventName: string | undefined,
    attempts: number,
  ): DeadLetterFailure {
    const { topic, partition, message } = record;
    // Decoded again: a handler may have edited the copy it was given.
    const headers = decodeHeaders(message.headers);
    return {
      topic,
      partition,
      offset: message.offset,
      timestamp: message.timestamp,
      reason,
      error,
      failedAt: new Date(),
      groupId: this.group.groupId,
      handler,
      eventName,
      correlationId: headers[EventHeaders.CORRELATION_ID] ?? correlationFromBody(body),
      attempts,
    };
  }

  private async park(
    record: ReceivedRecord,
    failures: DeadLetterFailure[],
    control: PartitionControl,
  ): Promise<DispatchOutcome> {
    const parked = await this.deadLetter.park(record.message, failures, control);
    if (!parked) return 'abandoned';
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
