// The reference design's "Create an Event Handler" example, unchanged but for this comment.
import { Injectable, Logger } from '@nestjs/common';
import { EventHandler } from '@/common/kafka';

@Injectable()
export class OrdersEventHandler {
  private readonly logger = new Logger(OrdersEventHandler.name);

  @EventHandler({
    eventName: 'order.created',
    topics: ['fsm.projects'],
    groupId: 'orders-creation-handler',
  })
  async handleOrderCreated(
    event: any,
    context: {
      topic: string;
      headers: Record<string, string>;
      partition: number;
      offset: string;
    },
  ): Promise<void> {
    this.logger.log(`Received order.created event | order: ${event.orderId}`);

    // Your business logic here
    // ...
  }
}
