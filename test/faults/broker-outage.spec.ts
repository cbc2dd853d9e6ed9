import { INestApplicationContext, Injectable } from '@nestjs/common';
import { HealthIndicatorResult } from '@nestjs/terminus';
import { KafkaCluster, startKafkaCluster } from '../../broker';
import { EventHandler, KafkaHealthIndicator, KafkaProducerService, KafkaSendError } from '../../src';
import { uniqueName, waitFor } from '../support/kafka';
import { startTestApp, waitForGroups } from '../support/kafka-app';

const seen: string[] = [];

@Injectable()
class CrewHandlers {
  @EventHandler({ eventName: 'crew.*', fromBeginning: true })
  onCrew(event: { crewId: string }): void {
    seen.push(event.crewId);
  }
}

const status = (result: HealthIndicatorResult) => result.kafka.status;

/** These tests stop and start a broker, so they always run their own (never KAFKA_BROKERS). */
describe(`a broker that goes away (${process.env.KAFKA_CLIENT ?? 'kafkajs'})`, () => {
  let cluster: KafkaCluster;
  let app: INestApplicationContext | undefined;

  beforeAll(async () => {
    cluster = await startKafkaCluster({ private: true, launcher: 'jvm' });
  }, 120_000);

  afterAll(async () => {
    await app?.close();
    await cluster?.stop();
  });

  it('starts the app while the broker is down, reports down, then connects and consumes when it is up', async () => {
    const [node] = cluster.nodes;
    await node.stop();
    app = await startTestApp({
      providers: [CrewHandlers],
      kafka: {
        brokers: cluster.brokers,
        topics: { crew: uniqueName('crew') },
        dlqTopic: uniqueName('dlq'),
        healthCheckTimeout: 2000,
        // Short, so an outage taken for a failure would show within the test.
        health: { livenessTtlMs: 2000 },
        connectionTimeout: 1000,
        producer: { retries: 2, maxRetryTimeMs: 2000 },
      },
    });
    const health = app.get(KafkaHealthIndicator);
    expect(health.isReady('kafka').kafka.status).toBe('down');
    expect(health.isAlive('kafka').kafka.status).toBe('up');
    const down = await health.isHealthy('kafka');
    expect(status(down)).toBe('down');
    expect(down.kafka.cluster).toMatch(/^not reachable: /);
    const send = app.get(KafkaProducerService).send('crew.shift.planned', { crewId: 'c-0' });
    await expect(send).rejects.toBeInstanceOf(KafkaSendError);
    await expect(send).rejects.toThrow(/Could not send "crew.shift.planned" to topic "crew\./);

    await node.start();
    await waitForGroups(app, 60_000);
    await waitFor(async () => status(await health.isHealthy('kafka')) === 'up', 'health up', 30_000);
    await app.get(KafkaProducerService).send('crew.shift.started', { crewId: 'c-1' });
    await waitFor(() => seen.includes('c-1'), 'the event sent after the broker came up');
  }, 180_000);

  it('goes down when the broker stops and up when it returns, and consumes again', async () => {
    const health = app!.get(KafkaHealthIndicator);
    expect(status(await health.isHealthy('kafka'))).toBe('up');

    await cluster.nodes[0].stop();
    await waitFor(async () => status(await health.isHealthy('kafka')) === 'down', 'health down', 30_000);
    // Readiness goes down once the clients notice; liveness stays up: a restart would not bring the broker back.
    await waitFor(() => health.isReady('kafka').kafka.status === 'down', 'readiness down', 60_000);
    // Watched for longer than the 2 s liveness TTL of this app: the outage must never count as a failure.
    const watchUntil = Date.now() + 3000;
    const liveness: string[] = [];
    await waitFor(() => {
      liveness.push(String(health.isAlive('kafka').kafka.status));
      return Date.now() >= watchUntil;
    }, 'liveness watched through 3 s of outage');
    expect(new Set(liveness)).toEqual(new Set(['up']));
    const producer = await health.isProducerHealthy('kafka');
    expect(producer.kafka).toMatchObject({
      status: 'down',
      cluster: expect.stringMatching(/^not reachable: /),
    });

    await cluster.nodes[0].start();
    await waitFor(async () => status(await health.isHealthy('kafka')) === 'up', 'health up again', 60_000);
    await waitFor(() => health.isReady('kafka').kafka.status === 'up', 'readiness up again', 60_000);
    await app!.get(KafkaProducerService).send('crew.shift.ended', { crewId: 'c-2' });
    await waitFor(() => seen.includes('c-2'), 'the event sent after the broker returned', 60_000);
  }, 180_000);
});
