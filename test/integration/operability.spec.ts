import {
  ConsoleLogger,
  Controller,
  Get,
  INestApplication,
  INestApplicationContext,
  Injectable,
  Module,
} from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { HealthCheck, HealthCheckService, HealthIndicatorResult, TerminusModule } from '@nestjs/terminus';
import { freePort } from '../../broker/free-port';
import {
  EventContext,
  EventHandler,
  KafkaHealthIndicator,
  KafkaConsumerService,
  KafkaModule,
  KafkaProducerNotReadyError,
  KafkaProducerService,
} from '../../src';
import { createTopic, testKafka, uniqueName, waitFor } from '../support/kafka';
import { startTestApp, waitForGroups } from '../support/kafka-app';

/** The probe routes of docs/health.md, as an app would write them. */
@Controller('health')
class ProbeController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly kafka: KafkaHealthIndicator,
  ) {}

  @Get('live')
  @HealthCheck()
  live() {
    return this.health.check([() => this.kafka.isAlive()]);
  }

  @Get('ready')
  @HealthCheck()
  ready() {
    return this.health.check([() => this.kafka.isReady()]);
  }

  @Get()
  @HealthCheck()
  check() {
    return this.health.check([() => this.kafka.isHealthy('kafka')]);
  }
}

@Injectable()
class CrewHandlers {
  @EventHandler({ eventName: 'crew.*' })
  onCrew(): void {}
}

/** Every line the app writes, with its level. */
class CountingLogger extends ConsoleLogger {
  readonly lines: { level: string; message: string; at: number }[] = [];
  constructor() {
    super();
    this.setLogLevels(['log', 'error', 'warn', 'debug', 'verbose', 'fatal']);
  }
  protected override printMessages(messages: unknown[], context?: string, level = 'log'): void {
    for (const message of messages)
      this.lines.push({ level, message: `${context}: ${String(message)}`, at: Date.now() });
  }
  override printStackTrace(): void {}
}

async function timed<T>(work: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const started = performance.now();
  const value = await work();
  return { ms: performance.now() - started, value };
}

/** The app's one consumer group. */
const groupOf = (app: INestApplicationContext) => app.get(KafkaConsumerService).list()[0].groupId;

const statusOf = (result: HealthIndicatorResult, key: string) => result[key].status;

describe('an app whose broker is down', () => {
  let app: INestApplication;
  let createdAt: number;
  const logger = new CountingLogger();

  beforeAll(async () => {
    // Nothing listens there: what an app sees while its broker is stopped (connection refused).
    const brokers = [`127.0.0.1:${await freePort()}`];
    @Module({
      imports: [
        KafkaModule.forRoot({
          brokers,
          clientId: uniqueName('down'),
          topics: { crew: uniqueName('crew') },
          producer: { readyTimeoutMs: 500 },
          // The 1 s connection timeout of a broker that does not answer at all (refused is faster still).
          connectionTimeout: 1000,
        }),
        // Terminus logs every failed check at ERROR itself; probes fail for the whole outage (docs/health.md).
        TerminusModule.forRoot({ logger: false }),
      ],
      controllers: [ProbeController],
      providers: [CrewHandlers],
    })
    class DownAppModule {}
    createdAt = Date.now();
    app = await NestFactory.create(DownAppModule, { logger });
  });

  afterAll(async () => {
    await app?.close();
  });

  it('listens within a second, answers every probe within its bound, and fails a send with a named error', async () => {
    const listening = await timed(() => app.listen(0, '127.0.0.1'));
    expect(listening.ms).toBeLessThan(1000);
    const url = await app.getUrl();

    // The checks themselves make no broker call: well under 100 ms. Through HTTP, on a busy machine, the
    // round trip adds its own time, so the probes are held to a probe's 1 s.
    const indicator = app.get(KafkaHealthIndicator);
    const liveCheck = await timed(async () => indicator.isAlive());
    expect(liveCheck.ms).toBeLessThan(100);
    const readyCheck = await timed(async () => indicator.isReady());
    expect(readyCheck.ms).toBeLessThan(100);
    const live = await timed(() => fetch(`${url}/health/live`));
    expect(live.value.status).toBe(200);
    expect(live.ms).toBeLessThan(1000);
    const ready = await timed(() => fetch(`${url}/health/ready`));
    expect(ready.value.status).toBe(503);
    expect(ready.ms).toBeLessThan(1000);
    // isHealthy asks the broker: bounded by healthCheckTimeout (800 ms by default), under a probe's 1 s.
    const health = await timed(() => fetch(`${url}/health`));
    expect(health.value.status).toBe(503);
    expect(health.ms).toBeLessThan(1000);

    const send = timed(() => app.get(KafkaProducerService).send('crew.shift.planned', { crewId: 'c-1' }));
    await expect(send).rejects.toBeInstanceOf(KafkaProducerNotReadyError);
    await expect(send).rejects.toThrow(
      /has not connected to 127\.0\.0\.1:\d+ within 500 ms: raise producer\.readyTimeoutMs/,
    );
  });

  it('writes fewer than 20 lines in its first minute of outage (startup included), none at ERROR', async () => {
    // The minute is the measurement, not a synchronisation: lines are counted once it has passed.
    const minuteEnds = createdAt + 60_000;
    await waitFor(() => Date.now() >= minuteEnds, 'a minute of outage', 65_000);
    const lines = logger.lines.filter((l) => l.at < minuteEnds);
    const shown = lines.map((l) => `${l.level} ${l.message}`).join('\n');
    if (lines.length >= 20) throw new Error(`${lines.length} lines in a minute:\n${shown}`);
    expect(lines.filter((l) => l.level === 'error' || l.level === 'fatal')).toEqual([]);
    // No stack trace at WARN, neither printed nor JSON-escaped into a line.
    expect(lines.filter((l) => /(\n|\\n)\s+at /.test(l.message))).toEqual([]);
  }, 70_000);
});

/** Startup to the broker's first refusal of a join (connect, find the coordinator, join): 0.25 s measured here. */
const FIRST_REFUSAL_MS = 3000;

describe('liveness and readiness against the real broker', () => {
  let app: INestApplicationContext | undefined;

  afterEach(async () => {
    await app?.close();
    app = undefined;
  });

  it('is ready once the producer is connected and every group consumes', async () => {
    app = await startTestApp({ providers: [CrewHandlers], kafka: { topics: { crew: uniqueName('crew') } } });
    const health = app.get(KafkaHealthIndicator);
    await waitForGroups(app);
    expect(health.isReady()).toEqual({
      'kafka-readiness': {
        status: 'up',
        producer: 'connected',
        groups: { [groupOf(app)]: 'running' },
      },
    });
    expect(statusOf(health.isAlive(), 'kafka-liveness')).toBe('up');
  });

  it('goes not-alive within its TTL when a handler holds a record and never finishes', async () => {
    let release!: () => void;
    const entered: string[] = [];
    @Injectable()
    class StuckHandler {
      // No time limit: nothing cuts this handler short, so only liveness can tell.
      @EventHandler({ eventName: 'stuck.*', timeoutMs: 0, fromBeginning: true })
      onStuck(_event: unknown, context: EventContext): Promise<void> {
        entered.push(context.offset);
        return new Promise((resolve) => (release = resolve));
      }
    }
    const ttl = 1500;
    app = await startTestApp({
      providers: [StuckHandler],
      kafka: {
        topics: { stuck: uniqueName('stuck') },
        health: { livenessTtlMs: ttl },
        shutdownTimeoutMs: 2000,
      },
    });
    const health = app.get(KafkaHealthIndicator);
    await waitForGroups(app);
    await app.get(KafkaProducerService).send('stuck.job', { n: 1 });
    await waitFor(() => entered.length === 1, 'the handler to start');
    const heldAt = Date.now();
    expect(statusOf(health.isAlive(), 'kafka-liveness')).toBe('up');

    await waitFor(() => statusOf(health.isAlive(), 'kafka-liveness') === 'down', 'liveness down', ttl + 2000);
    const downAfter = Date.now() - heldAt;
    expect(downAfter).toBeGreaterThan(ttl - 100);
    expect(downAfter).toBeLessThan(ttl + 500);
    expect(health.isAlive()['kafka-liveness']).toMatchObject({
      groups: {
        [groupOf(app)]: expect.stringMatching(
          /^not progressing: holds records and finished none for \d+ ms \(TTL 1500 ms\)$/,
        ),
      },
    });
    // Readiness is about reaching Kafka, which still holds: the orchestrator restarts the pod, not traffic.
    expect(statusOf(health.isReady(), 'kafka-readiness')).toBe('up');

    release();
    await waitFor(() => statusOf(health.isAlive(), 'kafka-liveness') === 'up', 'liveness back up');
  });

  it('goes not-alive within its TTL when its consumer keeps failing for a reason other than the broker', async () => {
    const topic = uniqueName('refused');
    await createTopic(testKafka(), topic);
    @Injectable()
    class RefusedHandler {
      @EventHandler({ eventName: 'refused.*' })
      onRefused(): void {}
    }
    const ttl = 2000;
    // Before the app starts: the consumer's failures begin during startup, and liveness must not go down sooner
    // than the TTL after the first of them.
    const startedAt = Date.now();
    app = await startTestApp({
      providers: [RefusedHandler],
      kafka: {
        topics: { refused: topic },
        // Below the broker's group.min.session.timeout.ms (6 s): every classic join is refused, INVALID_SESSION_TIMEOUT.
        consumer: { sessionTimeout: 1000, heartbeatInterval: 300 },
        groupProtocol: 'classic',
        health: { livenessTtlMs: ttl },
      },
    });
    const health = app.get(KafkaHealthIndicator);
    await waitFor(
      () => statusOf(health.isAlive(), 'kafka-liveness') === 'down',
      'liveness down',
      ttl + 15_000,
    );
    expect(health.isAlive()['kafka-liveness']).toMatchObject({
      groups: {
        [groupOf(app)]: expect.stringMatching(
          /^not progressing: its consumer has failed for \d+ ms \(TTL 2000 ms\): .*session timeout/i,
        ),
      },
    });
    const downAfter = Date.now() - startedAt;
    expect(downAfter).toBeGreaterThan(ttl);
    // And not much later: the TTL after the first refusal, which comes within a join's round trips of startup.
    expect(downAfter).toBeLessThan(ttl + FIRST_REFUSAL_MS);
    expect(statusOf(health.isReady(), 'kafka-readiness')).toBe('down');
  }, 30_000);
});
