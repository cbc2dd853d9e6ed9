import { join } from 'node:path';
import { Kafka } from 'kafkajs';
import { KafkaCluster, startKafkaCluster } from '../../broker';
import { waitFor } from '../support/kafka';
import {
  eventIds,
  faultEvent,
  faultKafka,
  handledIds,
  handledLog,
  produce,
  settle,
} from './support/fault-harness';
import { FaultApp, faultReplica } from './support/fault-process';
import { report } from './support/fault-report';
import { scenarioTopics, ScenarioTopics } from './support/fault-scenario';

/**
 * docs/reliability.md: a crash re-delivers at most about one second of processing. Offsets are committed every
 * second (autoCommitInterval) and at the end of each batch; the rest is the commit's round trip and a loaded
 * machine. A re-delivered event was first handled at most this long before its process was killed.
 */
const DUPLICATE_WINDOW_MS = 1500;

/** Replicas of the fault app in their own processes, killed with SIGKILL or stopped with SIGTERM mid-stream. */
describe('fault suite: killed and stopped app processes', () => {
  let cluster: KafkaCluster;
  let kafka: Kafka;
  const apps: FaultApp[] = [];

  beforeAll(async () => {
    cluster = await startKafkaCluster({ private: true, launcher: 'jvm' });
    kafka = faultKafka(cluster.brokers);
  }, 120_000);

  afterEach(async () => {
    await Promise.all(apps.splice(0).map((app) => app.kill('SIGKILL')));
  });

  afterAll(async () => {
    await cluster?.stop();
  });

  const replica = (
    t: ScenarioTopics,
    n: number,
    handlerDelayMs: number,
    keyConcurrency = 1,
    spreadMs = 0,
  ) => {
    const app = faultReplica(cluster.brokers, t, n, handlerDelayMs, keyConcurrency, spreadMs);
    apps.push(app);
    return app;
  };

  it('sigkill: the consuming process killed with SIGKILL three times mid-stream and restarted', async () => {
    const t = await scenarioTopics(kafka, 'sigkill', 3);
    const ids = eventIds('sigkill', 3000);
    let app = replica(t, 0, 2);
    await app.ready();
    await produce(
      kafka,
      t.topic,
      ids.map((id) => faultEvent(id)),
    );
    const logFile = (n: number) => join(t.logDir, `replica-${n}.log`);
    const logs = () => handledIds(apps.map((_, i) => logFile(i)));
    const killedAt: number[] = [];
    for (let kill = 1; kill <= 3; kill++) {
      await waitFor(() => new Set(logs()).size >= kill * 600, `${kill * 600} events handled`, 60_000);
      killedAt.push(Date.now());
      await app.kill('SIGKILL');
      app = replica(t, kill, 2);
      await app.ready();
    }
    const result = await settle({ scenario: 'sigkill', ids, handled: logs, kafka, dlqTopic: t.dlqTopic });
    report(result);
    expect(result.lost).toBe(0);
    expect(result.handled).toBe(ids.length);

    // Each event handled again by a later process: how long before its first process was killed that process
    // had handled it. An event a process handled twice itself (a partition it lost and got back before it had
    // committed) is a rebalance's duplicate, not the crash's; it is counted apart.
    const seenBy = new Map<string, { replica: number; at: number }[]>();
    apps.forEach((_, replica) =>
      handledLog(logFile(replica)).forEach(({ id, at }) =>
        seenBy.set(id, [...(seenBy.get(id) ?? []), { replica, at }]),
      ),
    );
    const again = [...seenBy.values()].filter((seen) => seen.length > 1);
    const acrossKill = again.filter((seen) => seen.some(({ replica }) => replica > seen[0].replica));
    const window = Math.max(0, ...acrossKill.map((seen) => killedAt[seen[0].replica] - seen[0].at));
    console.log(
      `[fault] sigkill: ${acrossKill.length} events handled again after a kill, the earliest first handled ` +
        `${window} ms before it; ${again.length - acrossKill.length} handled twice by one process`,
    );
    expect(again.reduce((n, seen) => n + seen.length - 1, 0)).toBe(result.duplicated);
    expect(window).toBeLessThanOrEqual(DUPLICATE_WINDOW_MS);
  }, 300_000);

  it('sigkill-keyed: key-ordered concurrency (keyConcurrency 16) with uneven handler times, killed with SIGKILL three times; each key stays in order', async () => {
    const t = await scenarioTopics(kafka, 'sigkill-keyed', 3);
    const ids = eventIds('sigkill-keyed', 3000);
    // 12 keys, so each 16-record window of a partition holds several records of one key; handler times
    // of 2-42 ms make later records overtake earlier ones unless the key holds them back.
    const keyOf = (id: string) => `key-${Number(id.split('-').pop()) % 12}`;
    let app = replica(t, 0, 2, 16, 40);
    await app.ready();
    await produce(
      kafka,
      t.topic,
      ids.map((id) => faultEvent(id, 'fault.event', keyOf(id))),
    );
    const logs = () => handledIds(apps.map((_, i) => join(t.logDir, `replica-${i}.log`)));
    for (let kill = 1; kill <= 3; kill++) {
      await waitFor(() => new Set(logs()).size >= kill * 600, `${kill * 600} events handled`, 60_000);
      await app.kill('SIGKILL');
      app = replica(t, kill, 2, 16, 40);
      await app.ready();
    }
    const result = await settle({
      scenario: 'sigkill-keyed',
      ids,
      handled: logs,
      kafka,
      dlqTopic: t.dlqTopic,
    });
    report(result);
    expect(result.lost).toBe(0);
    expect(result.handled).toBe(ids.length);
    // At least once, and in order per key: the first time each event was handled, it came after every
    // earlier event of its key (the replicas ran one after another, so their logs in order are the timeline).
    const firstSeen = [...new Set(logs())];
    const seq = (id: string) => Number(id.split('-').pop());
    for (const key of new Set(ids.map(keyOf))) {
      const order = firstSeen.filter((id) => keyOf(id) === key).map(seq);
      expect({ key, order }).toEqual({ key, order: [...order].sort((a, b) => a - b) });
    }
  }, 300_000);

  it('scale-out: three replicas share 6 partitions, one is killed with SIGKILL, a fourth joins', async () => {
    const t = await scenarioTopics(kafka, 'scale-out', 6);
    const ids = eventIds('scale-out', 4000);
    const first = [0, 1, 2].map((n) => replica(t, n, 3));
    await Promise.all(first.map((app) => app.ready()));
    await produce(
      kafka,
      t.topic,
      ids.map((id) => faultEvent(id)),
    );
    const logs = () => handledIds([0, 1, 2, 3].map((n) => join(t.logDir, `replica-${n}.log`)));
    await waitFor(() => new Set(logs()).size >= 1000, '1000 events handled', 60_000);
    await first[1].kill('SIGKILL');
    await waitFor(() => new Set(logs()).size >= 2000, '2000 events handled', 90_000);
    await replica(t, 3, 3).ready();
    const result = await settle({ scenario: 'scale-out', ids, handled: logs, kafka, dlqTopic: t.dlqTopic });
    report(result);
    expect(result.lost).toBe(0);
    expect(result.handled).toBe(ids.length);
  }, 300_000);

  it('sigterm: the consuming process stopped with SIGTERM mid-stream hands over without duplicates', async () => {
    const t = await scenarioTopics(kafka, 'sigterm', 3);
    const ids = eventIds('sigterm', 3000);
    const app = replica(t, 0, 2);
    await app.ready();
    await produce(
      kafka,
      t.topic,
      ids.map((id) => faultEvent(id)),
    );
    const logs = () => handledIds([0, 1].map((n) => join(t.logDir, `replica-${n}.log`)));
    await waitFor(() => new Set(logs()).size >= 1000, '1000 events handled', 60_000);
    await app.kill('SIGTERM');
    await replica(t, 1, 2).ready();
    const result = await settle({ scenario: 'sigterm', ids, handled: logs, kafka, dlqTopic: t.dlqTopic });
    report(result);
    expect(result.lost).toBe(0);
    // A graceful stop commits everything it handled: no event comes back to the next process.
    expect(result.duplicated).toBe(0);
  }, 300_000);
});
