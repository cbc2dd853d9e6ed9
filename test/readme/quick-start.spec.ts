// The README's Quick Start handler and test, as written there but for the import path of the package.
import { Injectable, Logger } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { EventHandler, EventHandlerRegistry, KafkaModule } from '@/common/kafka';
import type { EventContext } from '@/common/kafka';

@Injectable()
export class OrdersEventHandler {
  private readonly logger = new Logger(OrdersEventHandler.name);

  @EventHandler({ eventName: 'projects.service_order.created' })
  async handleOrderCreated(event: { orderId: string }, context: EventContext): Promise<void> {
    this.logger.log(`Received ${context.eventName} | order: ${event.orderId}`);
  }
}

it('handles projects.service_order.created', async () => {
  process.env.KAFKA_ENABLED = 'false';
  const moduleRef = await Test.createTestingModule({
    imports: [KafkaModule],
    providers: [OrdersEventHandler],
  }).compile();
  await moduleRef.init(); // discovery runs here

  expect(
    moduleRef.get(EventHandlerRegistry).getHandler('OrdersEventHandler.handleOrderCreated'),
  ).toBeDefined();
  const context = { eventName: 'projects.service_order.created' } as EventContext;
  await moduleRef.get(OrdersEventHandler).handleOrderCreated({ orderId: 'so-1' }, context);
  await moduleRef.close();
});
