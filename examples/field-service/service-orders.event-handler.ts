import { Injectable, Logger } from '@nestjs/common';
import { EventContext, EventHandler } from '../../src';
import { ServiceOrderCreated } from './field-service.events';
import { HandlerStatsService } from './handler-stats.service';

/** Exact event name: one event, on the topic of its domain (fsm.projects). */
@Injectable()
export class ServiceOrdersEventHandler {
  private readonly logger = new Logger(ServiceOrdersEventHandler.name);

  constructor(private readonly stats: HandlerStatsService) {}

  @EventHandler({ eventName: 'projects.service_order.created', fromBeginning: true })
  async onServiceOrderCreated(event: ServiceOrderCreated, context: EventContext): Promise<void> {
    this.stats.record('ServiceOrdersEventHandler.onServiceOrderCreated', context);
    this.logger.log(
      `New ${event.priority} ${event.serviceType} order ${event.serviceOrderId} for ${event.customer} ` +
        `(${event.siteAddress}) | ${context.topic}[${context.partition}]@${context.offset}`,
    );
  }
}
