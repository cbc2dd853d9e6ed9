import { Injectable, Logger } from '@nestjs/common';
import { EventContext, EventHandler } from '../../src';
import { StatusChanged } from './field-service.events';
import { HandlerStatsService } from './handler-stats.service';

/**
 * Leading wildcard: status changes of every domain. Its domain cannot be derived from the pattern, so
 * the library subscribes this handler's group to every mapped topic and routes only the matching events.
 */
@Injectable()
export class StatusChangesEventHandler {
  private readonly logger = new Logger(StatusChangesEventHandler.name);

  constructor(private readonly stats: HandlerStatsService) {}

  @EventHandler({ eventName: '*.status_changed', fromBeginning: true })
  async onStatusChanged(event: StatusChanged, context: EventContext): Promise<void> {
    this.stats.record('StatusChangesEventHandler.onStatusChanged', context);
    this.logger.log(
      `${context.eventName}: ${event.entityId} ${event.from} -> ${event.to} (correlation ${context.headers['correlation-id']})`,
    );
  }
}
