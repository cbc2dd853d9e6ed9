// The Quick Start's app, started as the README says (`node --env-file=.env ...`) by test/integration/env-file.spec.ts.
// It prints what the library resolved from the environment, once the producer is connected (or the wait ends).
import { Injectable, Logger, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { EventHandler, KafkaConsumerService, KafkaHealthIndicator, KafkaModule } from '../../../src';
import type { EventContext } from '../../../src';

@Injectable()
export class OrdersEventHandler {
  private readonly logger = new Logger(OrdersEventHandler.name);

  @EventHandler({ eventName: 'projects.service_order.created' })
  async handleOrderCreated(event: { orderId: string }, context: EventContext): Promise<void> {
    this.logger.log(`Received ${context.eventName} | order: ${event.orderId}`);
  }
}

@Module({ imports: [KafkaModule], providers: [OrdersEventHandler] })
export class AppModule {}

async function main(): Promise<void> {
  const app = await NestFactory.createApplicationContext(AppModule, { logger: false });
  const health = app.get(KafkaHealthIndicator);
  const deadline = Date.now() + Number(process.env.ENV_FILE_APP_WAIT_MS ?? 30_000);
  let producer = await health.isProducerHealthy();
  while (producer['kafka-producer'].status !== 'up' && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 200));
    producer = await health.isProducerHealthy();
  }
  const groups = app
    .get(KafkaConsumerService)
    .list()
    .map((group) => group.groupId);
  console.log(JSON.stringify({ producer: producer['kafka-producer'], groups }));
  await app.close();
}

main().catch((error: Error) => {
  console.error(error.stack);
  process.exit(1);
});
