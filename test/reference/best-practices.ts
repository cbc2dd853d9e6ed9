// The reference design's "Best Practices" examples: methods and fragments, kept as written, each in a class of
// its own (they share a method name). Not in the reference: the imports, the classes, and the services, logger
// and helpers they call (OrdersService, SomeService, processOrder, isRetryable), here as small stand-ins.
import { Injectable, Logger } from '@nestjs/common';
import { EventHandler } from '@/common/kafka';

/** Stands in for the app's own service that "2. Idempotent Handlers" and the unit-test recipe use. */
@Injectable()
export class OrdersService {
  private readonly orders = new Map<string, unknown>();

  async findById(id: string): Promise<unknown> {
    return this.orders.get(id);
  }

  async create(order: { orderId: string }): Promise<void> {
    this.orders.set(order.orderId, order);
  }
}

/** Stands in for the downstream service of "3. Correlation IDs". */
@Injectable()
export class SomeService {
  async doSomething(_args: { correlationId: string }): Promise<void> {}
}

/** "2. Idempotent Handlers"; also the handler of "7. Testing". */
@Injectable()
export class IdempotentOrdersHandler {
  private readonly logger = new Logger(IdempotentOrdersHandler.name);

  constructor(private readonly ordersService: OrdersService) {}

@EventHandler({ eventName: 'order.created' })
async handleOrderCreated(event: any, context: any) {
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
}

/** "3. Correlation IDs". */
@Injectable()
export class CorrelationIdExample {
  constructor(private readonly someService: SomeService) {}

@EventHandler({ eventName: 'order.created' })
async handleOrderCreated(event: any, context: any) {
  const correlationId = context.headers['correlation-id'] || event.correlation_id;

  // Use correlationId in downstream calls
  await this.someService.doSomething({ correlationId });
}
}

/** "4. Structured Logging": a statement, run in a handler that has the event, the context and a correlation id. */
@Injectable()
export class StructuredLoggingExample {
  private readonly logger = new Logger(StructuredLoggingExample.name);

  @EventHandler({ eventName: 'order.created' })
  async handleOrderCreated(event: any, context: any) {
    const correlationId = context.headers['correlation-id'];
this.logger.log({
  message: 'Processing order event',
  orderId: event.orderId,
  eventName: 'order.created',
  correlationId,
  partition: context.partition,
  offset: context.offset,
});
  }
}

/** "5. Error Handling". */
@Injectable()
export class ErrorHandlingExample {
  private readonly logger = new Logger(ErrorHandlingExample.name);

@EventHandler({ eventName: 'order.created' })
async handleOrderCreated(event: any, context: any) {
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

  private async processOrder(_event: unknown): Promise<void> {}

  private isRetryable(_error: unknown): boolean {
    return true;
  }
}

/** "6. Consumer Groups": a decorator given a method. */
@Injectable()
export class ConsumerGroupExample {
@EventHandler({
  eventName: 'order.created',
  groupId: 'billing-order-processor',  // Descriptive name
})
  async handleOrderCreated(event: any, context: any) {}
}
