import { AsyncLocalStorage } from 'node:async_hooks';
import { EventContext } from '../interfaces/event-context.interface';
import { EventHeaders } from '../kafka.constants';

/** The event a handler is processing, visible to everything it awaits (so send() can carry its correlation id). */
export const eventContextStorage = new AsyncLocalStorage<EventContext>();

/** Correlation id of the event being handled: its correlation-id header, else its own event-id. */
export function currentCorrelationId(): string | undefined {
  const context = eventContextStorage.getStore();
  if (!context) return undefined;
  return context.headers[EventHeaders.CORRELATION_ID] || context.headers[EventHeaders.EVENT_ID] || undefined;
}
