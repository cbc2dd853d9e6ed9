import { randomUUID } from 'node:crypto';
import type { EventContext } from '../interfaces/event-context.interface';
import { EventHeaders, JSON_CONTENT_TYPE } from '../kafka.constants';

/**
 * An EventContext for calling a handler method directly in a unit test: every field filled (the event-id
 * and correlation-id headers with one new id, offset '0', attempt 1, a signal that is not aborted), with
 * `partial`'s fields over them.
 */
export function createEventContext(partial: Partial<EventContext> = {}): EventContext {
  const eventName = partial.eventName ?? 'test.event';
  const eventId = randomUUID();
  return {
    topic: 'test.events',
    partition: 0,
    offset: '0',
    key: null,
    timestamp: String(Date.now()),
    groupId: 'test-group',
    handler: 'Test.handler',
    attempt: 1,
    signal: new AbortController().signal,
    ...partial,
    eventName,
    headers: {
      [EventHeaders.EVENT_NAME]: eventName,
      [EventHeaders.EVENT_ID]: eventId,
      [EventHeaders.CORRELATION_ID]: eventId,
      [EventHeaders.CONTENT_TYPE]: JSON_CONTENT_TYPE,
      ...partial.headers,
    },
  };
}
