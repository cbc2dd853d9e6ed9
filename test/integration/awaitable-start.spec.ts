import { INestApplicationContext, Injectable, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Test, TestingModule } from '@nestjs/testing';
import { createServer } from 'node:net';
import {
  ConsumersNotRunningError,
  EventHandler,
  KafkaConsumerService,
  KafkaModule,
  KafkaModuleOptions,
  KafkaProducerService,
} from '@/common/kafka';
import { expectMockHandlerCalled, MockingExample } from '../reference/mocking-event-handlers';
import { OrdersEventHandler } from '../reference/multiple-handlers';
import { setEnv, spyOnHandler } from '../support/handler-spy';
import { createTopic, testBrokers, testKafka, uniqueName, untilQuiet } from '../support/kafka';

/** A local port nothing listens on: the broker is "down". */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('the reference examples, copied unchanged, with the documented wait after init()', () => {
  let moduleRef: TestingModule;
  let restoreEnv: () => void;
  const spies = {
    created: spyOnHandler(OrdersEventHandler.prototype, 'handleCreated'),
    updated: spyOnHandler(OrdersEventHandler.prototype, 'handleUpdated'),
    cancelled: spyOnHandler(OrdersEventHandler.prototype, 'handleCancelled'),
    test: spyOnHandler(MockingExample.prototype, 'handleTestEvent'),
  };

  beforeAll(async () => {
    // The examples' own settings: no topics (derived from the event's domain), fromBeginning false. The prefix
    // and client id only keep this test's topics and groups apart from the other tests on the broker.
    const prefix = `${uniqueName('start')}.`;
    // The topics exist before the app starts, as in a deployment: a send right after init() is then quick,
    // and only the wait stands between it and a group that has not joined yet.
    for (const domain of ['order', 'test']) await createTopic(testKafka(), `${prefix}${domain}`, 3);
    restoreEnv = setEnv({
      KAFKA_BROKERS: testBrokers().join(','),
      KAFKA_CLIENT_ID: uniqueName('awaitable'),
      KAFKA_TOPIC_PREFIX: prefix,
      KAFKA_DLQ_TOPIC: uniqueName('dlq'),
      KAFKA_CREATE_TOPICS: 'true',
    });
    moduleRef = await Test.createTestingModule({
      imports: [KafkaModule],
      providers: [OrdersEventHandler, MockingExample],
    }).compile();
    moduleRef.useLogger(['error']);
    await moduleRef.init();
    // The wait the README shows: new groups start at the end of their topics once they have joined.
    await moduleRef.get(KafkaConsumerService).whenRunning();
  });

  afterAll(async () => {
    await moduleRef?.close();
    restoreEnv();
    jest.restoreAllMocks();
  });

  it('delivers order.created, order.updated and order.cancelled sent right after it, once each to its handler', async () => {
    const producer = moduleRef.get(KafkaProducerService);
    await producer.send('order.created', { orderId: 'o-1' });
    await producer.send('order.updated', { orderId: 'o-1' });
    await producer.send('order.cancelled', { orderId: 'o-1' });
    await producer.send('test.event', { orderId: '123' });

    const calls = () => Object.values(spies).flatMap((spy) => spy.mock.calls);
    await untilQuiet(calls, { expected: Object.keys(spies).length, what: 'handler calls' });
    for (const [spy, eventName] of [
      [spies.created, 'order.created'],
      [spies.updated, 'order.updated'],
      [spies.cancelled, 'order.cancelled'],
    ] as const) {
      expect(spy.mock.calls).toEqual([[{ orderId: 'o-1' }, expect.objectContaining({ eventName })]]);
    }
    expect(spies.test.mock.calls).toEqual([
      [{ orderId: '123' }, expect.objectContaining({ eventName: 'test.event' })],
    ]);
    expectMockHandlerCalled();
  });
});

@Injectable()
class AbsentTopicHandler {
  static topic = uniqueName('absent');

  @EventHandler({ eventName: 'thing.happened', topics: [AbsentTopicHandler.topic] })
  onThing(): void {}
}

async function appContext(kafka: KafkaModuleOptions, providers: (new () => object)[]) {
  @Module({
    imports: [KafkaModule.forRoot({ clientId: uniqueName('awaitable'), ...kafka })],
    providers,
  })
  class App {}
  return NestFactory.createApplicationContext(App, { logger: false });
}

/** whenRunning's rejection, checked to come within `timeoutMs` (and a second) as a ConsumersNotRunningError; the app's one group. */
async function rejectionWithin(app: INestApplicationContext, timeoutMs: number) {
  const consumers = app.get(KafkaConsumerService);
  const started = Date.now();
  const error = await consumers.whenRunning({ timeoutMs }).catch((e: unknown) => e);
  expect(Date.now() - started).toBeLessThan(timeoutMs + 1000);
  expect(error).toBeInstanceOf(ConsumersNotRunningError);
  const [group] = consumers.list();
  return { error: error as ConsumersNotRunningError, group };
}

describe('whenRunning, bounded, naming the groups', () => {
  it('rejects within its timeout when a topic is missing (topic creation off)', async () => {
    const app = await appContext({ brokers: testBrokers(), createTopics: false }, [AbsentTopicHandler]);
    try {
      const timeoutMs = 3000;
      const { error, group } = await rejectionWithin(app, timeoutMs);
      expect(error.waiting).toEqual([
        {
          groupId: group.groupId,
          state: 'waiting-for-topics',
          reason: expect.stringContaining(AbsentTopicHandler.topic),
        },
      ]);
      expect(error.message).toContain(group.groupId);
    } finally {
      await app.close();
    }
  });

  it('rejects within its timeout when the broker is down, with the connection error', async () => {
    const app = await appContext({ brokers: [`127.0.0.1:${await closedPort()}`] }, [AbsentTopicHandler]);
    try {
      // kafkajs gives up on an unreachable seed broker after about 8 s: the wait outlasts the first attempt.
      const timeoutMs = 12_000;
      const { error, group } = await rejectionWithin(app, timeoutMs);
      expect(error.waiting).toEqual([
        {
          groupId: group.groupId,
          state: 'idle',
          // The client's own words: ECONNREFUSED (kafkajs), Broker transport failure (librdkafka).
          reason: expect.stringMatching(
            /not reachable \(unreachable: .*(ECONNREFUSED|Broker transport failure)/,
          ),
        },
      ]);
    } finally {
      await app.close();
    }
  });
});

@Injectable()
class FreshTopicHandler {
  static topic = uniqueName('fresh');
  readonly seen: unknown[] = [];

  @EventHandler({ eventName: 'thing.happened', topics: [FreshTopicHandler.topic] })
  onThing(event: unknown): void {
    this.seen.push(event);
  }
}

describe('waitForConsumers: bootstrap waits for the consumer groups', () => {
  it('receives an event sent right after init(), in a new group that starts at the end of its topic', async () => {
    const app = await appContext(
      { brokers: testBrokers(), createTopics: { numPartitions: 3 }, waitForConsumers: { timeoutMs: 30_000 } },
      [FreshTopicHandler],
    );
    try {
      expect(
        app
          .get(KafkaConsumerService)
          .list()
          .map((g) => g.state),
      ).toEqual(['running']);
      await app
        .get(KafkaProducerService)
        .send('thing.happened', { n: 1 }, { topic: FreshTopicHandler.topic });

      const seen = await untilQuiet(() => app.get(FreshTopicHandler).seen, { expected: 1, what: 'events' });
      expect(seen).toEqual([{ n: 1 }]);
    } finally {
      await app.close();
    }
  });

  it('fails bootstrap, bounded, with ConsumersNotRunningError when the broker is down', async () => {
    const timeoutMs = 2000;
    const started = Date.now();
    const error = await appContext(
      { brokers: [`127.0.0.1:${await closedPort()}`], waitForConsumers: { timeoutMs } },
      [FreshTopicHandler],
    ).catch((e: unknown) => e);

    const tookMs = Date.now() - started;
    expect(error).toBeInstanceOf(ConsumersNotRunningError);
    expect((error as ConsumersNotRunningError).waiting.map((g) => g.state)).toEqual(['idle']);
    // The timeout, then closing what was opened (an attempt to connect in flight finishes first).
    expect(tookMs).toBeGreaterThanOrEqual(timeoutMs);
    expect(tookMs).toBeLessThan(timeoutMs + 15_000);
  });
});
