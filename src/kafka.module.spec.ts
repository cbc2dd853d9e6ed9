import { Injectable, Logger, Module } from '@nestjs/common';
import { Test, TestingModule } from '@nestjs/testing';
import { EventHandler } from './decorators/event-handler.decorator';
import { EventHandlerRegistry } from './discovery/event-handler.registry';
import { EventHandlerDefinitionError } from './errors/event-handler-definition.error';
import { EventTooLargeError } from './errors/event-too-large.error';
import { InvalidEventError } from './errors/invalid-event.error';
import { KafkaConfigError } from './errors/kafka-config.error';
import { UnknownEventDomainError } from './errors/unknown-event-domain.error';
import { KafkaHealthIndicator } from './health/kafka.health';
import { KafkaModule } from './kafka.module';
import { KafkaProducerService } from './producer/kafka-producer.service';

const KAFKA_VARIABLES = Object.keys(process.env).filter((k) => k.startsWith('KAFKA_'));
const saved = Object.fromEntries(KAFKA_VARIABLES.map((k) => [k, process.env[k]]));

const mockHandler = jest.fn();

@Injectable()
class MyService {
  @EventHandler({ eventName: 'test.event', topics: ['test-topic'] })
  async handleTestEvent(event: unknown, context: unknown) {
    return mockHandler(event, context);
  }
}

describe('KafkaModule (no broker)', () => {
  let moduleRef: TestingModule | undefined;

  beforeEach(() => {
    for (const k of Object.keys(process.env)) if (k.startsWith('KAFKA_')) delete process.env[k];
  });

  afterEach(async () => {
    await moduleRef?.close();
    moduleRef = undefined;
    for (const k of Object.keys(process.env)) if (k.startsWith('KAFKA_')) delete process.env[k];
    Object.assign(process.env, saved);
  });

  it('loads with KAFKA_ENABLED=false, connects to nothing, and send resolves without sending', async () => {
    // The reference design's testing recipe, as it is written there.
    process.env.KAFKA_ENABLED = 'false';
    process.env.KAFKA_BROKERS = '127.0.0.1:1'; // nothing listens there: any connection attempt would fail
    moduleRef = await Test.createTestingModule({ imports: [KafkaModule], providers: [MyService] }).compile();
    await moduleRef.init();

    const sent = await moduleRef.get(KafkaProducerService).send('projects.order.created', { orderId: '123' });
    expect(sent).toMatchObject({ sent: false, topic: 'fsm.projects', partition: -1, offset: '-1' });
    expect(moduleRef.get(EventHandlerRegistry).getHandler('MyService.handleTestEvent')).toBeDefined();
    expect(await moduleRef.get(KafkaHealthIndicator).isHealthy('kafka')).toEqual({
      kafka: { status: 'up', enabled: false, message: 'Kafka is disabled (KAFKA_ENABLED=false)' },
    });
    expect(mockHandler).not.toHaveBeenCalled();
  });

  it('refuses, before sending, an event name that could forge a log line and a payload over the broker limit', async () => {
    process.env.KAFKA_ENABLED = 'false';
    moduleRef = await Test.createTestingModule({ imports: [KafkaModule] }).compile();
    await moduleRef.init();
    const producer = moduleRef.get(KafkaProducerService);
    await expect(producer.send('projects.created\nERROR forged', {})).rejects.toThrow(InvalidEventError);
    const huge = { blob: 'x'.repeat(1_100_000) };
    await expect(producer.send('projects.file.uploaded', huge)).rejects.toThrow(EventTooLargeError);
    await expect(producer.send('projects.file.uploaded', huge)).rejects.toThrow(
      /over the 1048588-byte limit/,
    );
  });

  it.each([
    ['KAFKA_BROKERS', '', /KAFKA_BROKERS="".*at least one host:port/],
    ['KAFKA_BROKERS', 'localhost:notaport', /KAFKA_BROKERS="localhost:notaport"/],
    ['KAFKA_SASL_MECHANISM', 'gssapi', /KAFKA_SASL_MECHANISM="gssapi".*plain, scram-sha-256, scram-sha-512/],
    ['KAFKA_ENABLED', 'maybe', /KAFKA_ENABLED="maybe".*true or false/],
  ])('stops startup when %s=%j, naming the variable and the value', async (name, value, message) => {
    process.env[name] = value;
    const start = Test.createTestingModule({ imports: [KafkaModule] }).compile();
    await expect(start).rejects.toThrow(KafkaConfigError);
    await expect(Test.createTestingModule({ imports: [KafkaModule] }).compile()).rejects.toThrow(message);
  });

  it('stops startup for SASL without a password, and never prints a password it was given', async () => {
    process.env.KAFKA_SASL_MECHANISM = 'scram-sha-512';
    process.env.KAFKA_SASL_USERNAME = 'fsm';
    await expect(Test.createTestingModule({ imports: [KafkaModule] }).compile()).rejects.toThrow(
      /KAFKA_SASL_PASSWORD is required/,
    );
    process.env.KAFKA_SASL_MECHANISM = 'kerberos';
    process.env.KAFKA_SASL_PASSWORD = 'hunter2-very-secret';
    const error = await Test.createTestingModule({ imports: [KafkaModule] })
      .compile()
      .catch((e: Error) => e);
    expect(error).toBeInstanceOf(KafkaConfigError);
    expect(`${(error as Error).message} ${(error as Error).stack}`).not.toContain('hunter2-very-secret');
  });

  it('gives a handler and send() of an unmapped domain the same derived topic, with Kafka disabled', async () => {
    @Injectable()
    class WarehouseHandlers {
      @EventHandler({ eventName: 'warehouse.stock.moved' })
      onMoved() {}
    }
    process.env.KAFKA_ENABLED = 'false';
    moduleRef = await Test.createTestingModule({
      imports: [KafkaModule],
      providers: [WarehouseHandlers],
    }).compile();
    await moduleRef.init();
    const handler = moduleRef.get(EventHandlerRegistry).getHandler('WarehouseHandlers.onMoved');
    expect([...handler!.topics]).toEqual(['fsm.warehouse']);
    const sent = await moduleRef.get(KafkaProducerService).send('warehouse.stock.moved', {});
    expect(sent.topic).toBe('fsm.warehouse');
  });

  it("subscribes a handler of `*` to the topics derived for the app's other handlers, wherever it is declared", async () => {
    @Injectable()
    class AuditHandlers {
      // Declared before the handler whose topic is derived: discovery still gives it that topic.
      @EventHandler({ eventName: '*' })
      everything() {}

      @EventHandler({ eventName: 'order.*' })
      orders() {}
    }
    process.env.KAFKA_ENABLED = 'false';
    process.env.KAFKA_DEFAULT_TOPICS = 'false';
    process.env.KAFKA_BILLING_TOPIC = 'billing-events';
    moduleRef = await Test.createTestingModule({
      imports: [KafkaModule],
      providers: [AuditHandlers],
    }).compile();
    await moduleRef.init();
    const registry = moduleRef.get(EventHandlerRegistry);
    expect(registry.getHandler('AuditHandlers.everything')!.topics).toEqual(['billing-events', 'fsm.order']);
    // Registered in the order they were found.
    expect(registry.getHandlers().map((h) => h.id)).toEqual([
      'AuditHandlers.everything',
      'AuditHandlers.orders',
    ]);
  });

  describe('with KAFKA_STRICT_TOPICS=true', () => {
    @Injectable()
    class WarehouseHandlers {
      @EventHandler({ eventName: 'warehouse.stock.moved' })
      onMoved() {}
    }

    it('stops startup for a handler whose domain is unmapped, naming Class.method and the variable', async () => {
      process.env.KAFKA_STRICT_TOPICS = 'true';
      process.env.KAFKA_BROKERS = '127.0.0.1:1'; // the explorer fails at module init, before any connection
      const failing = await Test.createTestingModule({
        imports: [KafkaModule],
        providers: [WarehouseHandlers],
      }).compile();
      const error = await failing.init().catch((e: Error) => e);
      expect(error).toBeInstanceOf(EventHandlerDefinitionError);
      expect((error as Error).message).toMatch(/WarehouseHandlers\.onMoved.*KAFKA_WAREHOUSE_TOPIC/);
    });

    it('only warns when Kafka is disabled, and send() still rejects the unmapped domain', async () => {
      process.env.KAFKA_STRICT_TOPICS = 'true';
      process.env.KAFKA_ENABLED = 'false';
      const warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
      moduleRef = await Test.createTestingModule({
        imports: [KafkaModule],
        providers: [WarehouseHandlers],
      }).compile();
      await moduleRef.init();
      expect(warn.mock.calls.map(([m]) => String(m))).toEqual([
        expect.stringMatching(/WarehouseHandlers\.onMoved.*KAFKA_WAREHOUSE_TOPIC.*KAFKA_ENABLED=false/),
      ]);
      warn.mockRestore();
      await expect(moduleRef.get(KafkaProducerService).send('warehouse.stock.moved', {})).rejects.toThrow(
        UnknownEventDomainError,
      );
    });
  });

  it('gives a group the module keyConcurrency unless its handlers set their own, and stops startup when they disagree', async () => {
    @Injectable()
    class RouteHandlers {
      @EventHandler({ eventName: 'route.planned', topics: ['routes'] })
      onPlanned() {}

      @EventHandler({ eventName: 'route.started', topics: ['routes'], keyConcurrency: 16 })
      onStarted() {}
    }
    moduleRef = await Test.createTestingModule({
      imports: [KafkaModule.forRoot({ enabled: false, consumer: { keyConcurrency: 4 } })],
      providers: [RouteHandlers],
    }).compile();
    await moduleRef.init();
    const groups = moduleRef.get(EventHandlerRegistry).getGroups();
    expect(Object.fromEntries(groups.map((g) => [g.handlers[0].id, g.keyConcurrency]))).toEqual({
      'RouteHandlers.onPlanned': 4,
      'RouteHandlers.onStarted': 16,
    });

    @Injectable()
    class SharedGroupHandlers {
      @EventHandler({ eventName: 'route.planned', topics: ['routes'], groupId: 'routes', keyConcurrency: 8 })
      onPlanned() {}

      @EventHandler({ eventName: 'route.started', topics: ['routes'], groupId: 'routes' })
      onStarted() {}
    }
    const failing = await Test.createTestingModule({
      imports: [KafkaModule.forRoot({ enabled: false })],
      providers: [SharedGroupHandlers],
    }).compile();
    const error = await failing.init().catch((e: Error) => e);
    expect(error).toBeInstanceOf(EventHandlerDefinitionError);
    expect((error as Error).message).toContain('different keyConcurrency');
    expect((error as Error).message).toContain('SharedGroupHandlers.onPlanned: 8');
    expect((error as Error).message).toContain('SharedGroupHandlers.onStarted: 1');
  });

  it('stops startup for a keyConcurrency that is not a positive whole number, naming Class.method', async () => {
    @Injectable()
    class CrewHandlers {
      @EventHandler({ eventName: 'crew.assigned', topics: ['crews'], keyConcurrency: 0 })
      onAssigned() {}
    }
    const failing = await Test.createTestingModule({
      imports: [KafkaModule.forRoot({ enabled: false })],
      providers: [CrewHandlers],
    }).compile();
    const error = await failing.init().catch((e: Error) => e);
    expect(error).toBeInstanceOf(KafkaConfigError);
    expect((error as Error).message).toContain('@EventHandler CrewHandlers.onAssigned keyConcurrency=0');
  });

  it('takes options from forRootAsync with injected dependencies; options win over the environment', async () => {
    process.env.KAFKA_CLIENT_ID = 'from-env';
    process.env.KAFKA_DLQ_TOPIC = 'dlq.from-env';
    @Module({
      providers: [{ provide: 'SETTINGS', useValue: { clientId: 'from-factory' } }],
      exports: ['SETTINGS'],
    })
    class SettingsModule {}
    moduleRef = await Test.createTestingModule({
      imports: [
        KafkaModule.forRootAsync({
          imports: [SettingsModule],
          inject: ['SETTINGS'],
          useFactory: (settings: { clientId: string }) => ({ enabled: false, clientId: settings.clientId }),
        }),
      ],
    }).compile();
    await moduleRef.init();
    const sent = await moduleRef.get(KafkaProducerService).send('contracts.document.signed', {});
    expect(sent.topic).toBe('fsm.contracts');
    const health = await moduleRef.get(KafkaHealthIndicator).isProducerHealthy();
    expect(health['kafka-producer'].status).toBe('up');
  });
});
