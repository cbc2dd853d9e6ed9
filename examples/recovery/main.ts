/**
 * npm run example:recovery: a small app to watch recover after a broker outage (README, "Recover after an
 * outage"). It sends one `orders.order.placed` event a second, logs each send and each event its handler
 * receives, and serves GET /health. Brokers from KAFKA_BROKERS (default localhost:9092, the development
 * broker's port); HTTP port from PORT (default 3000). Ctrl-C stops it.
 */
import { Controller, Get, Injectable, Logger, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { HealthCheck, HealthCheckService, TerminusModule } from '@nestjs/terminus';
import { EventHandler, KafkaHealthIndicator, KafkaModule, KafkaProducerService } from '../../src';

const EVENT = 'orders.order.placed';

@Injectable()
export class OrdersHandler {
  private readonly logger = new Logger('OrdersHandler');

  @EventHandler({ eventName: EVENT })
  async onPlaced(event: { n: number }): Promise<void> {
    this.logger.log(`handled order #${event.n}`);
  }
}

@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly kafka: KafkaHealthIndicator,
  ) {}

  @Get()
  @HealthCheck()
  check() {
    return this.health.check([() => this.kafka.isHealthy()]);
  }
}

@Module({
  imports: [KafkaModule.forRoot({ createTopics: true }), TerminusModule],
  controllers: [HealthController],
  providers: [OrdersHandler],
})
export class RecoveryAppModule {}

async function main(): Promise<void> {
  const logger = new Logger('Sender');
  const app = await NestFactory.create(RecoveryAppModule);
  app.enableShutdownHooks();
  await app.listen(Number(process.env.PORT || 3000), '127.0.0.1');
  logger.log(`GET ${await app.getUrl()}/health`);

  const producer = app.get(KafkaProducerService);
  let n = 0;
  const timer = setInterval(() => {
    const order = ++n;
    producer.send(EVENT, { n: order }, { key: `order-${order}` }).then(
      (sent) => logger.log(`sent order #${order} (partition ${sent.partition}, offset ${sent.offset})`),
      (error: Error) => logger.warn(`send of order #${order} failed: ${error.message}`),
    );
  }, 1000);
  app.getHttpServer().once('close', () => clearInterval(timer));
}

void main();
