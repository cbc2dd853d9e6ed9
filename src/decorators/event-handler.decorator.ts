import { SetMetadata } from '@nestjs/common';
import { EventHandlerOptions } from '../interfaces/event-handler-options.interface';
import { EVENT_HANDLER_METADATA } from '../kafka.constants';

/**
 * Marks a provider method as a Kafka event handler. It only writes metadata; the explorer finds it at
 * bootstrap and the orchestrator subscribes its consumer group.
 */
export const EventHandler = (options: EventHandlerOptions): MethodDecorator =>
  SetMetadata(EVENT_HANDLER_METADATA, options);
