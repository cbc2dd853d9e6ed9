import { Injectable } from '@nestjs/common';
import { Test, TestingModule } from '@nestjs/testing';
import { EventHandler } from '../decorators/event-handler.decorator';
import { ConfluentClientFactory } from '../client/confluent/confluent-client.factory';
import { KafkaConsumerService } from '../consumer/kafka-consumer.service';
import { EmitTimeoutError } from '../errors/kafka-testing.error';
import { EventHeaders } from '../kafka.constants';
import { createEventContext } from './event-context.factory';
import { KafkaTestHarness } from './kafka-test.harness';
import { KafkaTestingModule } from './kafka-testing.module';
import type { KafkaTestingModuleOptions } from './kafka-testing.interfaces';

@Injectable()
class Handlers {
  readonly seen: unknown[] = [];
  release?: () => void;

  @EventHandler({ eventName: 'things.thing.made', groupId: 'makers' })
  onMade(event: unknown): void {
    this.seen.push(event);
  }

  @EventHandler({ eventName: 'things.thing.stuck', timeoutMs: 0 })
  onStuck(): Promise<void> {
    return new Promise((resolve) => (this.release = resolve));
  }
}

// In memory only: these are about the harness itself (the transport switch is covered by test/testing/).
async function start(options: KafkaTestingModuleOptions = {}): Promise<TestingModule> {
  const moduleRef = await Test.createTestingModule({
    imports: [KafkaTestingModule.forRoot({ transport: 'memory', ...options })],
    providers: [Handlers],
  }).compile();
  return moduleRef.init();
}

describe('KafkaTestingModule in memory', () => {
  const enabled = process.env.KAFKA_ENABLED;
  afterEach(() => {
    if (enabled === undefined) delete process.env.KAFKA_ENABLED;
    else process.env.KAFKA_ENABLED = enabled;
  });

  it('delivers events with KAFKA_ENABLED=false, since nothing leaves the process', async () => {
    process.env.KAFKA_ENABLED = 'false';
    const moduleRef = await start();
    try {
      await moduleRef.get(KafkaTestHarness).emit('things.thing.made', { id: 1 });
      expect(moduleRef.get(Handlers).seen).toEqual([{ id: 1 }]);
    } finally {
      await moduleRef.close();
    }
  });

  it("reports a paused group's handlers as pending, and handles the event on resume", async () => {
    const moduleRef = await start();
    try {
      const kafka = moduleRef.get(KafkaTestHarness);
      moduleRef.get(KafkaConsumerService).pause('makers');
      const result = await kafka.emit('things.thing.made', { id: 2 });
      expect(result.outcome('Handlers.onMade')?.status).toBe('pending');
      expect(moduleRef.get(Handlers).seen).toEqual([]);

      moduleRef.get(KafkaConsumerService).resume('makers');
      await kafka.emit('things.thing.made', { id: 3 });
      expect(moduleRef.get(Handlers).seen).toEqual([{ id: 2 }, { id: 3 }]);
    } finally {
      await moduleRef.close();
    }
  });

  it('rejects with EmitTimeoutError naming the group when a handler does not finish in time', async () => {
    const moduleRef = await start();
    try {
      const emitting = moduleRef.get(KafkaTestHarness).emit('things.thing.stuck', {}, { timeoutMs: 50 });
      await expect(emitting).rejects.toThrow(EmitTimeoutError);
      await expect(emitting).rejects.toThrow(/group .*Handlers\.onStuck to finish/);
    } finally {
      moduleRef.get(Handlers).release?.();
      await moduleRef.close();
    }
  });

  it('takes its options from forRootAsync', async () => {
    const moduleRef = await Test.createTestingModule({
      imports: [KafkaTestingModule.forRootAsync({ useFactory: async () => ({ clientId: 'async-app' }) })],
      providers: [Handlers],
    }).compile();
    await moduleRef.init();
    try {
      const result = await moduleRef
        .get(KafkaTestHarness)
        .emit('things.thing.stuck', {}, { timeoutMs: 50 })
        .catch((error: EmitTimeoutError) => error);
      expect((result as EmitTimeoutError).groups).toEqual(['async-app.Handlers.onStuck']);
    } finally {
      moduleRef.get(Handlers).release?.();
      await moduleRef.close();
    }
  });
});

describe("KafkaTestingModule with transport 'kafka'", () => {
  class Picked extends Error {}
  afterEach(() => {
    jest.restoreAllMocks();
    delete process.env.KAFKA_CLIENT;
  });

  // KafkaModule's own choice: the client is made once the module compiles, before anything connects.
  it.each([
    ['the option client', { client: 'confluent' } as const, {}],
    ['KAFKA_CLIENT', {}, { KAFKA_CLIENT: 'confluent' }],
  ])('makes its client with the confluent factory when %s names it', async (_how, options, env) => {
    Object.assign(process.env, env);
    const create = jest.spyOn(ConfluentClientFactory.prototype, 'create').mockImplementation(() => {
      throw new Picked('the confluent client was picked');
    });
    const compiling = Test.createTestingModule({
      imports: [KafkaTestingModule.forRoot({ transport: 'kafka', ...options })],
    }).compile();
    await expect(compiling).rejects.toBeInstanceOf(Picked);
    expect(create).toHaveBeenCalledTimes(1);
  });
});

describe('createEventContext', () => {
  it('fills every field, with one id as event-id and correlation-id, and keeps what it is given', () => {
    const context = createEventContext({ eventName: 'orders.order.created', attempt: 2 });
    expect(context).toMatchObject({
      eventName: 'orders.order.created',
      attempt: 2,
      partition: 0,
      offset: '0',
    });
    expect(context.headers[EventHeaders.EVENT_NAME]).toBe('orders.order.created');
    expect(context.headers[EventHeaders.CORRELATION_ID]).toBe(context.headers[EventHeaders.EVENT_ID]);
    expect(context.signal.aborted).toBe(false);
  });
});
