// The reference design's pattern, multiple-handler, error-handling and best-practice examples,
// unchanged but for the class wrappers and the services they call.
import { Injectable, Logger } from '@nestjs/common';
import { EventHandler } from '@/common/kafka';

@Injectable()
export class PatternExamples {
  // Exact match
  @EventHandler({ eventName: 'order.created' })
  async exact(event: any, context: any) {}

  // Wildcard - match all order events
  @EventHandler({ eventName: 'order.*' })
  async allOrders(event: any, context: any) {}

  // Wildcard - match all status change events
  @EventHandler({ eventName: '*.status_changed' })
  async statusChanges(event: any, context: any) {}

  // Match everything (use with caution!)
  @EventHandler({ eventName: '*' })
  async everything(event: any, context: any) {}

  @EventHandler({
    eventName: 'custom.event',
    topics: ['my-custom-topic'],
  })
  async custom(event: any, context: any) {}

  @EventHandler({
    eventName: 'order.created',
    groupId: 'billing-order-processor',  // Descriptive name
  })
  async billing(event: any, context: any) {}
}

@Injectable()
export class OrdersEventHandler {
  @EventHandler({ eventName: 'order.created' })
  async handleCreated(event: any, context: any) { /* ... */ }

  @EventHandler({ eventName: 'order.updated' })
  async handleUpdated(event: any, context: any) { /* ... */ }

  @EventHandler({ eventName: 'order.cancelled' })
  async handleCancelled(event: any, context: any) { /* ... */ }
}

@Injectable()
export class ErrorHandlingExamples {
  private readonly logger = new Logger(ErrorHandlingExamples.name);
  private readonly ordersService = { findById: async (_id: string) => undefined as unknown, create: async (_e: unknown) => {} };
  private readonly someService = { doSomething: async (_args: unknown) => {} };
  private processOrder = async (_event: unknown) => {};
  private isRetryable = (_error: unknown) => true;

  @EventHandler({ eventName: 'order.created' })
  async handleOrderCreated(event: any, context: any) {
    try {
      // Process event
    } catch (error) {
      this.logger.error('Failed to process event', error);

      // Don't re-throw if you don't want to send to DLQ
      // Re-throw if you want DLQ behavior
      throw error;
    }
  }

  @EventHandler({ eventName: 'order.created' })
  async idempotent(event: any, context: any) {
    const { orderId } = event;

    // Check if already processed
    const existing = await this.ordersService.findById(orderId);
    if (existing) {
      this.logger.warn(`Order ${orderId} already exists, skipping`);
      return;
    }

    // Process event
    await this.ordersService.create(event);
  }

  @EventHandler({ eventName: 'order.created' })
  async correlation(event: any, context: any) {
    const correlationId = context.headers['correlation-id'] || event.correlation_id;

    // Use correlationId in downstream calls
    await this.someService.doSomething({ correlationId });
  }

  @EventHandler({ eventName: 'order.created' })
  async explicit(event: any, context: any) {
    try {
      await this.processOrder(event);
    } catch (error) {
      if (this.isRetryable(error)) {
        // Re-throw to trigger DLQ and manual retry
        throw error;
      } else {
        // Log and skip non-retryable errors
        this.logger.error('Non-retryable error', error);
      }
    }
  }
}
