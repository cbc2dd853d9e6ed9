import { Injectable, Logger } from '@nestjs/common';
import { EventContext, EventHandler } from '../../src';
import { AssignmentEvent } from './field-service.events';
import { HandlerStatsService } from './handler-stats.service';

/** Domain wildcard: every assignments.* event (offers sent, accepted, declined; assignment status). */
@Injectable()
export class AssignmentsEventHandler {
  private readonly logger = new Logger(AssignmentsEventHandler.name);

  constructor(private readonly stats: HandlerStatsService) {}

  @EventHandler({ eventName: 'assignments.*', fromBeginning: true })
  async onAssignmentEvent(event: AssignmentEvent, context: EventContext): Promise<void> {
    this.stats.record('AssignmentsEventHandler.onAssignmentEvent', context);
    const reason = event.declineReason ? ` (${event.declineReason})` : '';
    this.logger.log(`${context.eventName}: ${event.serviceOrderId} / ${event.technicianId}${reason}`);
  }
}
