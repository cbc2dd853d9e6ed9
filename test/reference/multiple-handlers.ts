// The reference design's "Multiple Handlers" example, unchanged but for this comment and its imports.
import { Injectable } from '@nestjs/common';
import { EventHandler } from '@/common/kafka';

@Injectable()
export class OrdersEventHandler {
  @EventHandler({ eventName: 'order.created' })
  async handleCreated(event: any, context: any) { /* ... */ }

  @EventHandler({ eventName: 'order.updated' })
  async handleUpdated(event: any, context: any) { /* ... */ }

  @EventHandler({ eventName: 'order.cancelled' })
  async handleCancelled(event: any, context: any) { /* ... */ }
}
