import { KafkaMessage } from 'kafkajs';
import { DeadLetterFailure } from '../dead-letter/dead-letter.headers';
import { DeadLetterPublisher, DeadLetterRetryControl } from '../dead-letter/dead-letter.publisher';
import { EventParseError } from '../errors/event-parse.error';
import { EventContext } from '../interfaces/event-context.interface';
import {
  ConsumerGroupDefinition,
  EventHandlerDefinition,
} from '../interfaces/event-handler-definition.interface';
import { EventHeaders } from '../kafka.constants';
import { decodeHeaders, eventNameFromBody, parseEventBody } from '../routing/event-record.parser';
import { EventRouter } from '../routing/event-router';
import { eventContextStorage } from './event-context.storage';

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

  constructor(
    private readonly group: ConsumerGroupDefinition,
    private readonly deadLetter: DeadLetterPublisher,
  ) {
    this.router = new EventRouter(group.handlers);
  }

  async dispatch(
    topic: string,
    partition: number,
    message: KafkaMessage,
    control: DeadLetterRetryControl,
  ): Promise<DispatchOutcome> {
    const headers = decodeHeaders(message.headers);
    let eventName: string | undefined = headers[EventHeaders.EVENT_NAME] || undefined;
    let body: unknown;
    let parsed = false;
    let handlers: readonly EventHandlerDefinition[] = [];
    const failure = (
      reason: DeadLetterFailure['reason'],
      error: unknown,
      handler: string,
      eventName?: string,
    ): DeadLetterFailure => ({
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
      attempts: 1,
    });

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
      return this.park(message, [failure(error.reason, error, handlerIds, eventName)], control);
    }

    const context: EventContext = {
      topic,
      headers,
      partition,
      offset: message.offset,
      key: message.key ? message.key.toString() : null,
      timestamp: message.timestamp,
      eventName,
      groupId: this.group.groupId,
    };
    const results = await Promise.allSettled(
      handlers.map((handler) =>
        // Each handler gets its own copy of the context, so one handler's edits never reach another.
        eventContextStorage.run({ ...context, headers: { ...headers } }, async () =>
          handler.invoke(body, { ...context, headers: { ...headers } }),
        ),
      ),
    );
    const failures: DeadLetterFailure[] = [];
    results.forEach((result, i) => {
      if (result.status === 'rejected')
        failures.push(failure('handler-error', result.reason, handlers[i].id, eventName));
    });
    if (failures.length === 0) {
      this.counters.handled++;
      return 'handled';
    }
    return this.park(message, failures, control);
  }

  private async park(
    message: KafkaMessage,
    failures: DeadLetterFailure[],
    control: DeadLetterRetryControl,
  ): Promise<DispatchOutcome> {
    const parked = await this.deadLetter.park(message, failures, control);
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
