import { SetMetadata } from '@nestjs/common';
import type { EventContext } from '../interfaces/event-context.interface';
import { EventHandlerOptions } from '../interfaces/event-handler-options.interface';
import type { EventOf, EventPayload, EventSchema } from '../interfaces/event-schema.interface';
import { EVENT_HANDLER_METADATA } from '../kafka.constants';

/**
 * The event a handler receives: its schema's output when it has one, else the KafkaEventMap entry of its
 * exact event name, else unknown.
 */
export type HandlerEvent<TName extends string, TSchema> = [TSchema] extends [never]
  ? EventPayload<TName>
  : EventOf<TSchema>;

/**
 * A method decorator that checks the method can take `TEvent` as its first argument (when it is known): a
 * handler whose `event` parameter does not fit its schema fails to compile.
 */
export type EventHandlerDecorator<TEvent> = <
  TMethod extends (unknown extends TEvent
    ? (...args: never[]) => unknown
    : (event: TEvent, context: EventContext) => unknown),
>(
  target: object,
  propertyKey: string | symbol,
  descriptor: TypedPropertyDescriptor<TMethod>,
) => void;

/**
 * Marks a provider method as a Kafka event handler. It only writes metadata; the explorer finds it at
 * bootstrap and the orchestrator subscribes its consumer group.
 */
export function EventHandler<const TName extends string, TSchema extends EventSchema = never>(
  options: EventHandlerOptions & { eventName: TName; schema?: TSchema },
): EventHandlerDecorator<HandlerEvent<TName, TSchema>> {
  const decorate = SetMetadata(EVENT_HANDLER_METADATA, options);
  return (target, propertyKey, descriptor) => {
    decorate(target, propertyKey, descriptor);
  };
}
