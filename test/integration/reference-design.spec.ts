import { Controller, Get, INestApplication, Logger, Module } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { TerminusModule } from '@nestjs/terminus';
import { Kafka, KafkaMessage } from 'kafkajs';
import { EventContext, EventHandlerRegistry, KafkaModule, KafkaProducerService } from '@/common/kafka';
import {
  ConsumerGroupExample,
  CorrelationIdExample,
  ErrorHandlingExample,
  IdempotentOrdersHandler,
  OrdersService,
  SomeService,
  StructuredLoggingExample,
} from '../reference/best-practices';
import { CustomTopicExample } from '../reference/custom-topic';
import { AutomaticDlqExample, ManualErrorHandlingExample } from '../reference/error-handling';
import { PatternExamples } from '../reference/event-name-patterns';
import { HandlerSignatureExample } from '../reference/handler-signature';
import { HealthController } from '../reference/health.controller';
import { expectMockHandlerCalled, MockingExample } from '../reference/mocking-event-handlers';
import { OrdersEventHandler as MultipleHandlers } from '../reference/multiple-handlers';
import { OrdersModule } from '../reference/orders.module';
import { testBrokers, uniqueName, waitFor } from '../support/kafka';
import { setEnv, spyOnHandler } from '../support/handler-spy';
import { header, readTopic, waitForGroups } from '../support/kafka-app';

/** Exposes the reference design's HealthController (an @Injectable there) on GET /health. */
@Controller('health')
class HealthRoute {
  constructor(private readonly controller: HealthController) {}

  @Get()
  check() {
    return this.controller.check();
  }
}

/** Every example of the reference design but the two test recipes, which run as unit specs in test/reference. */
const EXAMPLES = [
  PatternExamples,
  HandlerSignatureExample,
  MultipleHandlers,
  CustomTopicExample,
  MockingExample,
  AutomaticDlqExample,
  ManualErrorHandlingExample,
  OrdersService,
  SomeService,
  IdempotentOrdersHandler,
  CorrelationIdExample,
  StructuredLoggingExample,
  ErrorHandlingExample,
  ConsumerGroupExample,
  HealthController,
];

/** As the reference's README has it: the environment configures the module, the examples are providers. */
async function startReferenceApp(): Promise<INestApplication> {
  @Module({
    imports: [KafkaModule, OrdersModule, TerminusModule],
    controllers: [HealthRoute],
    providers: EXAMPLES,
  })
  class AppModule {}

  const moduleRef = await Test.createTestingModule({ imports: [AppModule] }).compile();
  const app = moduleRef.createNestApplication({ logger: ['error'] });
  await app.init();
  await app.listen(0, '127.0.0.1');
  return app;
}

async function health(app: INestApplication) {
  const response = await fetch(`${await app.getUrl()}/health`);
  const body = (await response.json()) as {
    status: string;
    info: { kafka: { status: string; enabled?: boolean } };
  };
  return { status: response.status, body };
}

/** The calls of a handler spy whose event carries `orderId`, with the context each got. */
const callsFor = (spy: jest.SpyInstance, orderId: string) =>
  spy.mock.calls
    .filter(([event]) => (event as { orderId?: string } | undefined)?.orderId === orderId)
    .map(([event, context]) => ({ event: event as { orderId: string }, context: context as EventContext }));

describe('the reference design examples, as written, on a real broker', () => {
  let app: INestApplication;
  let producer: KafkaProducerService;
  let restoreEnv: () => void;
  const dlqTopic = uniqueName('dlq');
  const log = jest.spyOn(Logger.prototype, 'log');
  // Spies on the examples' own methods, set before the app finds them: they call through to the example.
  const spies = {
    created: spyOnHandler(MultipleHandlers.prototype, 'handleCreated'),
    updated: spyOnHandler(MultipleHandlers.prototype, 'handleUpdated'),
    cancelled: spyOnHandler(MultipleHandlers.prototype, 'handleCancelled'),
    exact: spyOnHandler(PatternExamples.prototype, 'exact'),
    allOrders: spyOnHandler(PatternExamples.prototype, 'allOrders'),
    statusChanges: spyOnHandler(PatternExamples.prototype, 'statusChanges'),
    everything: spyOnHandler(PatternExamples.prototype, 'everything'),
    custom: spyOnHandler(CustomTopicExample.prototype, 'handleCustomEvent'),
    manual: spyOnHandler(ManualErrorHandlingExample.prototype, 'handleOrderCreated'),
    errorHandling: spyOnHandler(ErrorHandlingExample.prototype, 'handleOrderCreated'),
    consumerGroup: spyOnHandler(ConsumerGroupExample.prototype, 'handleOrderCreated'),
    doSomething: jest.spyOn(SomeService.prototype, 'doSomething'),
  };

  beforeAll(async () => {
    restoreEnv = setEnv({
      KAFKA_BROKERS: testBrokers().join(','),
      KAFKA_CLIENT_ID: uniqueName('reference'),
      KAFKA_DLQ_TOPIC: dlqTopic,
      KAFKA_CREATE_TOPICS: 'true',
    });
    app = await startReferenceApp();
    await waitForGroups(app);
    producer = app.get(KafkaProducerService);
  });

  afterAll(async () => {
    await app?.close();
    restoreEnv();
    jest.restoreAllMocks();
  });

  it('delivers order.created on fsm.projects to the Quick Start OrdersEventHandler.handleOrderCreated', async () => {
    const orderId = uniqueName('order');
    await producer.send('order.created', { orderId }, { topic: 'fsm.projects' });
    await waitFor(
      () =>
        log.mock.calls.some(([message]) => message === `Received order.created event | order: ${orderId}`),
      'the handler to log the order',
    );
  });

  describe('an order.created, order.updated and order.cancelled sent with no topic', () => {
    const orderId = uniqueName('order');
    let correlationId: string;

    beforeAll(async () => {
      correlationId = (await producer.send('order.created', { orderId })).correlationId;
      await producer.send('order.updated', { orderId });
      await producer.send('order.cancelled', { orderId });
    });

    it('go to the derived topic fsm.order, which the Multiple Handlers class listens to with no topics', async () => {
      const registry = app.get(EventHandlerRegistry);
      for (const method of ['handleCreated', 'handleUpdated', 'handleCancelled']) {
        expect([...registry.getHandler(`OrdersEventHandler.${method}`)!.topics]).toEqual(['fsm.order']);
      }
      for (const [spy, eventName] of [
        [spies.created, 'order.created'],
        [spies.updated, 'order.updated'],
        [spies.cancelled, 'order.cancelled'],
      ] as const) {
        await waitFor(() => callsFor(spy, orderId).length > 0, `${eventName} to reach its handler`);
        expect(callsFor(spy, orderId)).toEqual([
          { event: { orderId }, context: expect.objectContaining({ topic: 'fsm.order', eventName }) },
        ]);
      }
    });

    it('reach the order.* handler, all three, and the exact order.created handler only with order.created', async () => {
      await waitFor(() => callsFor(spies.allOrders, orderId).length === 3, 'order.* to see the three events');
      expect(
        callsFor(spies.allOrders, orderId)
          .map((c) => c.context.eventName)
          .sort(),
      ).toEqual(['order.cancelled', 'order.created', 'order.updated']);
      await waitFor(
        () => callsFor(spies.exact, orderId).length > 0,
        'the exact handler to see order.created',
      );
      expect(callsFor(spies.exact, orderId).map((c) => c.context.eventName)).toEqual(['order.created']);
    });

    it('park order.created in the DLQ when the "Automatic DLQ" handler throws', async () => {
      const isParked = (record: KafkaMessage) =>
        header(record, 'dlq-handler') === 'AutomaticDlqExample.handleOrderCreated' &&
        (JSON.parse(record.value!.toString()) as { orderId?: string }).orderId === orderId;
      const parked = (await readTopic(dlqTopic, (records) => records.some(isParked))).find(isParked)!;
      expect(header(parked, 'dlq-error-message')).toBe('Processing failed');
      expect(header(parked, 'dlq-original-topic')).toBe('fsm.order');
    });

    it('run the "Manual Error Handling", "5. Error Handling" and "6. Consumer Groups" handlers', async () => {
      for (const spy of [spies.manual, spies.errorHandling, spies.consumerGroup]) {
        await waitFor(() => callsFor(spy, orderId).length > 0, 'order.created to reach the handler');
      }
      const group = app.get(EventHandlerRegistry).getHandler('ConsumerGroupExample.handleOrderCreated')!;
      expect(group.groupId).toBe('billing-order-processor');
    });

    it('create the order once through "2. Idempotent Handlers"', async () => {
      const orders = app.get(OrdersService);
      await waitFor(async () => (await orders.findById(orderId)) !== undefined, 'the order to be created');
      expect(await orders.findById(orderId)).toEqual({ orderId });
    });

    it('pass the sent correlation id downstream in "3. Correlation IDs"', async () => {
      await waitFor(
        () => spies.doSomething.mock.calls.some(([args]) => args.correlationId === correlationId),
        'the correlation id to reach SomeService',
      );
    });

    it('log the record position in "4. Structured Logging"', async () => {
      const structured = () =>
        log.mock.calls
          .map(([entry]) => entry as Record<string, unknown>)
          .find((entry) => typeof entry === 'object' && entry.orderId === orderId);
      await waitFor(() => structured() !== undefined, 'the structured log entry');
      expect(structured()).toEqual({
        message: 'Processing order event',
        orderId,
        eventName: 'order.created',
        correlationId,
        partition: expect.any(Number),
        offset: expect.stringMatching(/^\d+$/),
      });
    });
  });

  it('delivers a status change on a mapped topic to the *.status_changed and * handlers', async () => {
    const orderId = uniqueName('order');
    await producer.send('projects.service_order.status_changed', { orderId });
    for (const spy of [spies.statusChanges, spies.everything]) {
      await waitFor(() => callsFor(spy, orderId).length > 0, 'the wildcard handler to see the status change');
      expect(callsFor(spy, orderId)[0].context.topic).toBe('fsm.projects');
    }
    expect(callsFor(spies.allOrders, orderId)).toEqual([]);
  });

  it('delivers order.status_changed, on the derived fsm.order, to the order.*, *.status_changed and * handlers', async () => {
    const orderId = uniqueName('order');
    await producer.send('order.status_changed', { orderId });
    for (const spy of [spies.allOrders, spies.statusChanges, spies.everything]) {
      await waitFor(
        () => callsFor(spy, orderId).length > 0,
        'each matching handler to see the status change',
      );
      expect(callsFor(spy, orderId)[0].context.topic).toBe('fsm.order');
    }
  });

  it('delivers custom.event on my-custom-topic to the handler given that topic', async () => {
    const orderId = uniqueName('order');
    await producer.send('custom.event', { orderId }, { topic: 'my-custom-topic' });
    await waitFor(() => callsFor(spies.custom, orderId).length > 0, 'custom.event to reach its handler');
    expect(callsFor(spies.custom, orderId)[0].context.topic).toBe('my-custom-topic');
  });

  it('delivers test.event to the "Mocking Event Handlers" mockHandler, as its own expect checks', async () => {
    await producer.send('test.event', { orderId: '123' });
    const passes = () => {
      try {
        expectMockHandlerCalled();
        return true;
      } catch {
        return false;
      }
    };
    await waitFor(passes, 'mockHandler to be called with orderId 123');
    expectMockHandlerCalled();
  });

  it('answers GET /health with kafka up', async () => {
    const { status, body } = await health(app);
    expect(status).toBe(200);
    expect(body.status).toBe('ok');
    expect(body.info.kafka.status).toBe('up');
  });
});

describe('the reference design examples, as written, with KAFKA_ENABLED=false', () => {
  let app: INestApplication;
  let restoreEnv: () => void;
  let clients: jest.SpyInstance[];

  beforeAll(async () => {
    // kafkajs is the module's client: any producer, consumer or admin it made would be a broker call.
    clients = [
      jest.spyOn(Kafka.prototype, 'producer'),
      jest.spyOn(Kafka.prototype, 'consumer'),
      jest.spyOn(Kafka.prototype, 'admin'),
    ];
    restoreEnv = setEnv({
      KAFKA_ENABLED: 'false',
      KAFKA_BROKERS: '127.0.0.1:1', // nothing listens there
      KAFKA_CLIENT_ID: uniqueName('reference-off'),
    });
    app = await startReferenceApp();
  });

  afterAll(async () => {
    await app?.close();
    restoreEnv();
    jest.restoreAllMocks();
  });

  it('starts, with every handler discovered and the derived topics the enabled app would use', () => {
    const registry = app.get(EventHandlerRegistry);
    expect(registry.getHandlers().length).toBe(17);
    expect([...registry.getHandler('OrdersEventHandler.handleCreated')!.topics]).toEqual(['fsm.order']);
    expect([...registry.getHandler('MockingExample.handleTestEvent')!.topics]).toEqual(['fsm.test']);
    // `*.status_changed`: every mapped topic, and those derived for the app's other handlers (order.*, test.*).
    expect([...registry.getHandler('PatternExamples.statusChanges')!.topics].sort()).toEqual([
      'fsm.assignments',
      'fsm.contracts',
      'fsm.execution',
      'fsm.order',
      'fsm.projects',
      'fsm.scheduling',
      'fsm.test',
    ]);
  });

  it('sends nothing and makes no Kafka client', async () => {
    const sent = await app.get(KafkaProducerService).send('order.created', { orderId: '123' });
    expect(sent).toMatchObject({ sent: false, topic: 'fsm.order' });
    for (const client of clients) expect(client).not.toHaveBeenCalled();
  });

  it('answers GET /health with kafka up and disabled', async () => {
    const { status, body } = await health(app);
    expect(status).toBe(200);
    expect(body.info.kafka).toMatchObject({ status: 'up', enabled: false });
  });
});
