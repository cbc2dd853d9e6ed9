import { INestApplicationContext, Injectable } from '@nestjs/common';
import { Kafka } from 'kafkajs';
import { KafkaCluster, startKafkaCluster } from '../../broker';
import {
  EventContext,
  EventHandler,
  KafkaHealthIndicator,
  KafkaModuleOptions,
  NonRetryableError,
} from '../../src';
import { waitFor } from '../support/kafka';
import { startTestApp, waitForGroups } from '../support/kafka-app';
import { eventIds, faultEvent, faultKafka, produce, settle } from './support/fault-harness';
import { report } from './support/fault-report';
import { scenarioTopics } from './support/fault-scenario';

type Behaviour = (id: string, context: EventContext) => Promise<void> | void;

/** Handled ids and the behaviour of the handler, set per scenario. */
const state: { handled: string[]; behaviour: Behaviour } = { handled: [], behaviour: () => undefined };
const SLOW_MS = 8000;

@Injectable()
class FaultHandlers {
  @EventHandler({ eventName: 'fault.*', fromBeginning: true })
  async handle(event: { id: string }, context: EventContext): Promise<void> {
    await state.behaviour(event.id, context);
    state.handled.push(event.id);
  }
}

/** Handlers that throw, hang or run past the session timeout, and a DLQ that is missing for a while. */
describe('fault suite: failing handlers and an unavailable DLQ', () => {
  let cluster: KafkaCluster;
  let kafka: Kafka;
  let app: INestApplicationContext | undefined;

  beforeAll(async () => {
    cluster = await startKafkaCluster({ private: true, launcher: 'jvm' });
    kafka = faultKafka(cluster.brokers);
  }, 120_000);

  afterEach(async () => {
    await app?.close();
    app = undefined;
    state.handled = [];
    state.behaviour = () => undefined;
  });

  afterAll(async () => {
    await cluster?.stop();
  });

  async function run(
    scenario: string,
    count: number,
    behaviour: Behaviour,
    kafkaOptions: KafkaModuleOptions = {},
    midStream?: (t: { dlqTopic: string }, app: INestApplicationContext) => Promise<void>,
  ) {
    // A scenario with a mid-stream step starts without its DLQ topic; the step creates it.
    const t = await scenarioTopics(kafka, scenario, 3, { createDlq: !midStream });
    state.behaviour = behaviour;
    app = await startTestApp({
      providers: [FaultHandlers],
      kafka: {
        brokers: cluster.brokers,
        topics: { fault: t.topic },
        dlqTopic: t.dlqTopic,
        createTopics: false,
        ...kafkaOptions,
      },
    });
    if (!midStream) await waitForGroups(app);
    const ids = eventIds(scenario, count);
    await produce(
      kafka,
      t.topic,
      ids.map((id) => faultEvent(id)),
    );
    await midStream?.(t, app);
    const result = await settle({
      scenario,
      ids,
      handled: () => state.handled,
      kafka,
      dlqTopic: t.dlqTopic,
      topic: t.topic,
    });
    report(result);
    return result;
  }

  it('handler-throws: a handler that throws, retried and parked when out of attempts', async () => {
    // By each id's number: every tenth always throws, the next fails once, the next twice; 3 attempts in all.
    const failuresBefore = (id: string) => [Infinity, 1, 2][Number(id.split('-').pop()) % 10] ?? 0;
    const attempts = new Map<string, number>();
    const result = await run(
      'handler-throws',
      3000,
      (id) => {
        const attempt = (attempts.get(id) ?? 0) + 1;
        attempts.set(id, attempt);
        if (attempt <= failuresBefore(id)) throw new Error(`failure ${attempt} of ${id}`);
      },
      { retry: { attempts: 3, backoff: { initialMs: 2, maxMs: 10 } } },
    );
    const alwaysFailing = [...attempts.keys()].filter((id) => failuresBefore(id) === Infinity);
    expect(alwaysFailing).toHaveLength(300);
    expect(result).toMatchObject({ lost: 0, duplicated: 0, parked: 300, handled: 2700 });
    // No event was tried more often than its attempts allow, nor parked before they were spent.
    expect(new Set(alwaysFailing.map((id) => attempts.get(id)))).toEqual(new Set([3]));
    expect(Math.max(...attempts.values())).toBe(3);
  }, 300_000);

  it('handler-hangs: a handler that never settles for one event in a hundred is timed out and parked', async () => {
    const result = await run(
      'handler-hangs',
      2000,
      (id) => (Number(id.split('-').pop()) % 100 === 0 ? new Promise<void>(() => undefined) : undefined),
      { handlerTimeoutMs: 200, retry: { attempts: 1 } },
    );
    expect(result).toMatchObject({ lost: 0, parked: 20, handled: 1980 });
  }, 300_000);

  it('handler-slow: handlers slower than the session timeout keep their partitions and handle once', async () => {
    const result = await run(
      'handler-slow',
      2000,
      (id) =>
        ['handler-slow-500', 'handler-slow-1500'].includes(id)
          ? new Promise<void>((finish) => setTimeout(finish, SLOW_MS))
          : undefined,
      { consumer: { sessionTimeout: 6000, heartbeatInterval: 1000 } },
    );
    expect(result).toMatchObject({ lost: 0, parked: 0, handled: 2000, duplicated: 0 });
  }, 300_000);

  it('dlq-down: the DLQ topic is missing while handlers fail, then created; everything drains', async () => {
    const result = await run(
      'dlq-down',
      2000,
      (id) => {
        if (Number(id.split('-').pop()) % 10 === 0) throw new NonRetryableError('rejected by billing');
      },
      { producer: { retries: 2, maxRetryTimeMs: 1000 } },
      async ({ dlqTopic }, app) => {
        // Wait until health reports the DLQ unwritable (the consumer is holding a failed event), then create it.
        const health = app.get(KafkaHealthIndicator);
        await waitFor(
          async () =>
            JSON.stringify(await health.isConsumerHealthy('kafka')).includes('"deadLetter":"unavailable'),
          'health to report the DLQ unavailable',
          60_000,
        );
        const admin = kafka.admin();
        await admin.connect();
        await admin.createTopics({ topics: [{ topic: dlqTopic, numPartitions: 1 }], waitForLeaders: true });
        await admin.disconnect();
      },
    );
    expect(result).toMatchObject({ lost: 0, parked: 200, handled: 1800 });
  }, 300_000);
});
