// Runs twice in `npm test`: in the unit project on the in-memory transport, and in the integration project on
// the real broker (its setup sets KAFKA_TEST_TRANSPORT=kafka).
import { Module } from '@nestjs/common';
import { Test, TestingModule } from '@nestjs/testing';
import { randomUUID } from 'node:crypto';
import {
  ConsumersNotRunningError,
  KafkaConfigError,
  KafkaConsumerService,
  KafkaModule,
  UnknownConsumerGroupError,
} from '../../src';
import { KafkaTestingModule } from '../../src/testing';
import { BillingHandlers, OrdersHandlers, OrdersStore } from './orders.fixture';

const running = (consumers: KafkaConsumerService) =>
  consumers.list().map((g) => [g.groupId, ['running', 'paused'].includes(g.state)]);

async function compile(waitForConsumers?: boolean): Promise<TestingModule> {
  const moduleRef = await Test.createTestingModule({
    imports: [
      KafkaTestingModule.forRoot({ clientId: `ready-${randomUUID().slice(0, 8)}`, waitForConsumers }),
    ],
    providers: [OrdersHandlers, OrdersStore, BillingHandlers],
  }).compile();
  await moduleRef.init();
  return moduleRef;
}

describe(`KafkaConsumerService.whenRunning (${process.env.KAFKA_TEST_TRANSPORT ?? 'memory'})`, () => {
  let moduleRef: TestingModule;
  let consumers: KafkaConsumerService;

  beforeEach(async () => {
    moduleRef = await compile();
    consumers = moduleRef.get(KafkaConsumerService);
  });

  afterEach(() => moduleRef.close());

  it('resolves once every consumer group of the app runs', async () => {
    await consumers.whenRunning();

    expect(consumers.list().length).toBeGreaterThan(1);
    expect(running(consumers)).toEqual(consumers.list().map((g) => [g.groupId, true]));
  });

  it('waits for the named groups only, and counts a group paused after it joined', async () => {
    const [first, second] = consumers.list().map((g) => g.groupId);
    await consumers.whenRunning({ groupIds: [first] });
    expect(consumers.get(first)!.state).toBe('running');

    consumers.pause(first);
    await consumers.whenRunning({ groupIds: [first, second] });
    expect(consumers.get(first)!.state).toBe('paused');
    expect(consumers.get(second)!.state).toBe('running');
  });

  it('rejects after its timeout with ConsumersNotRunningError naming the group, its state and why', async () => {
    await consumers.whenRunning();
    const [stopped, other] = consumers.list().map((g) => g.groupId);
    await consumers.stop(stopped);
    const timeoutMs = 300;
    const started = Date.now();

    const error = await consumers.whenRunning({ timeoutMs }).catch((e: unknown) => e);

    expect(Date.now() - started).toBeGreaterThanOrEqual(timeoutMs - 5);
    expect(error).toBeInstanceOf(ConsumersNotRunningError);
    const notRunning = error as ConsumersNotRunningError;
    expect(notRunning.timeoutMs).toBe(timeoutMs);
    expect(notRunning.waiting).toEqual([
      { groupId: stopped, state: 'stopped', reason: expect.stringContaining('stopped') },
    ]);
    expect(notRunning.message).toContain(`${stopped} (stopped:`);
    expect(notRunning.message).not.toContain(other);
  });

  it('resolves when a stopped group is started again, told by the group rather than polling', async () => {
    await consumers.whenRunning();
    const [groupId] = consumers.list().map((g) => g.groupId);
    await consumers.stop(groupId);
    const waiting = consumers.whenRunning({ groupIds: [groupId] });

    await consumers.start(groupId);
    await waiting;
    expect(consumers.get(groupId)!.state).toBe('running');
  });

  it('rejects a group id no handler declares with UnknownConsumerGroupError', async () => {
    await expect(consumers.whenRunning({ groupIds: ['no-such-group'] })).rejects.toThrow(
      UnknownConsumerGroupError,
    );
  });

  it.each([0, -1, 1.5])('rejects timeoutMs %s with KafkaConfigError naming it', async (timeoutMs) => {
    await expect(consumers.whenRunning({ timeoutMs })).rejects.toThrow(KafkaConfigError);
    await expect(consumers.whenRunning({ timeoutMs })).rejects.toThrow(/whenRunning timeoutMs/);
  });
});

describe(`waitForConsumers (${process.env.KAFKA_TEST_TRANSPORT ?? 'memory'})`, () => {
  it('makes init() return with every consumer group already running', async () => {
    const moduleRef = await compile(true);
    try {
      const consumers = moduleRef.get(KafkaConsumerService);
      expect(running(consumers)).toEqual(consumers.list().map((g) => [g.groupId, true]));
    } finally {
      await moduleRef.close();
    }
  });
});

describe('whenRunning with KAFKA_ENABLED=false', () => {
  it('resolves at once: no group will ever run, so there is nothing to wait for', async () => {
    @Module({
      imports: [KafkaModule.forRoot({ enabled: false, brokers: ['127.0.0.1:1'], waitForConsumers: true })],
      providers: [OrdersHandlers, OrdersStore, BillingHandlers],
    })
    class DisabledApp {}
    const moduleRef = await Test.createTestingModule({ imports: [DisabledApp] }).compile();
    await moduleRef.init();
    try {
      const consumers = moduleRef.get(KafkaConsumerService);
      await consumers.whenRunning({ timeoutMs: 60_000 });
      expect(consumers.list().map((g) => g.state)).toEqual(consumers.list().map(() => 'idle'));
    } finally {
      await moduleRef.close();
    }
  });
});
