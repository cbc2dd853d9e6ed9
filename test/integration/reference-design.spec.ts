import { Controller, Get, INestApplication, Logger, Module } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { TerminusModule } from '@nestjs/terminus';
import { KafkaModule, KafkaProducerService } from '@/common/kafka';
import { HealthController } from '../reference/health.controller';
import { OrdersModule } from '../reference/orders.module';
import { testBrokers, uniqueName, waitFor } from '../support/kafka';
import { waitForGroups } from '../support/kafka-app';

/** Exposes the reference design's HealthController (an @Injectable there) on GET /health. */
@Controller('health')
class HealthRoute {
  constructor(private readonly controller: HealthController) {}

  @Get()
  check() {
    return this.controller.check();
  }
}

describe('the reference design, unchanged', () => {
  let app: INestApplication;
  const log = jest.spyOn(Logger.prototype, 'log');

  beforeAll(async () => {
    // As its README says: the environment configures the module, the handler's module registers it.
    process.env.KAFKA_BROKERS = testBrokers().join(',');
    process.env.KAFKA_CLIENT_ID = uniqueName('reference');
    process.env.KAFKA_DLQ_TOPIC = uniqueName('dlq');
    process.env.KAFKA_CREATE_TOPICS = 'true';

    @Module({
      imports: [KafkaModule, OrdersModule, TerminusModule],
      controllers: [HealthRoute],
      providers: [HealthController],
    })
    class AppModule {}

    const moduleRef = await Test.createTestingModule({ imports: [AppModule] }).compile();
    app = moduleRef.createNestApplication({ logger: ['error'] });
    await app.init();
    await app.listen(0, '127.0.0.1');
    await waitForGroups(app);
  });

  afterAll(async () => {
    await app?.close();
    for (const name of ['KAFKA_CLIENT_ID', 'KAFKA_DLQ_TOPIC', 'KAFKA_CREATE_TOPICS'])
      delete process.env[name];
  });

  it('delivers order.created on fsm.projects to OrdersEventHandler.handleOrderCreated', async () => {
    const orderId = uniqueName('order');
    await app.get(KafkaProducerService).send('order.created', { orderId }, { topic: 'fsm.projects' });
    await waitFor(
      () =>
        log.mock.calls.some(([message]) => message === `Received order.created event | order: ${orderId}`),
      'the handler to log the order',
    );
  });

  it('answers GET /health with kafka up', async () => {
    const response = await fetch(`${await app.getUrl()}/health`);
    const body = (await response.json()) as { status: string; info: { kafka: { status: string } } };
    expect(response.status).toBe(200);
    expect(body.status).toBe('ok');
    expect(body.info.kafka.status).toBe('up');
  });
});
