import { Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { EventHandlerOptions } from '../interfaces/event-handler-options.interface';
import { EVENT_HANDLER_METADATA } from '../kafka.constants';

@Injectable()
export class KafkaMetadataAccessor {
  constructor(private readonly reflector: Reflector) {}

  getEventHandlerOptions(target: (...args: never[]) => unknown): EventHandlerOptions | undefined {
    return this.reflector.get<EventHandlerOptions | undefined>(EVENT_HANDLER_METADATA, target);
  }
}
