import { join } from 'node:path';
import { KafkaCluster, startKafkaCluster } from '../../broker';
import {
  eventIds,
  faultEvent,
  faultKafka,
  handledIds,
  produce,
  produceWithLibrary,
  settle,
} from './support/fault-harness';
import { FaultApp, faultReplica } from './support/fault-process';
import { report } from './support/fault-report';
import { scenarioTopics } from './support/fault-scenario';

/** Brokers that go away under a running producer and a running consumer. */
describe('fault suite: broker failures', () => {
  const clusters: KafkaCluster[] = [];
  const apps: FaultApp[] = [];

  afterEach(async () => {
    await Promise.all(apps.splice(0).map((app) => app.kill('SIGKILL')));
    await Promise.all(clusters.splice(0).map((cluster) => cluster.stop()));
  });

  it('broker-restart: the single broker stopped and restarted mid-stream', async () => {
    const cluster = await startKafkaCluster({ private: true, launcher: 'jvm' });
    clusters.push(cluster);
    const kafka = faultKafka(cluster.brokers);
    const t = await scenarioTopics(kafka, 'broker-restart', 3);
    const log = join(t.logDir, 'replica-0.log');
    const app = faultReplica(cluster.brokers, t, 0, 1);
    apps.push(app);
    await app.ready();

    const ids = eventIds('broker-restart', 3000);
    let restart: Promise<void> | undefined;
    await produce(
      kafka,
      t.topic,
      ids.map((id) => faultEvent(id)),
      (sent) => {
        // Not awaited: the producer keeps sending (and retrying) while the broker is down.
        if (sent >= 1000 && !restart) restart = cluster.nodes[0].stop().then(() => cluster.nodes[0].start());
      },
    );
    await restart;
    const result = await settle({
      scenario: 'broker-restart',
      ids,
      handled: () => handledIds([log]),
      kafka,
      dlqTopic: t.dlqTopic,
    });
    report(result);
    expect(result.lost).toBe(0);
    expect(result.handled).toBe(ids.length);
  }, 300_000);

  it('leader-kill: a 3-node cluster (RF 3, min.insync.replicas 2) loses the leader of the busy partitions', async () => {
    const cluster = await startKafkaCluster({ private: true, launcher: 'jvm', nodes: 3 });
    clusters.push(cluster);
    const kafka = faultKafka(cluster.brokers);
    const t = await scenarioTopics(kafka, 'leader-kill', 3, { replicationFactor: 3 });
    const admin = kafka.admin();
    await admin.connect();
    const [{ partitions }] = (await admin.fetchTopicMetadata({ topics: [t.topic] })).topics;
    await admin.disconnect();
    const leader = partitions.find((p) => p.partitionId === 0)!.leader;

    const log = join(t.logDir, 'replica-0.log');
    const app = faultReplica(cluster.brokers, t, 0, 1);
    apps.push(app);
    await app.ready();

    const ids = eventIds('leader-kill', 3000);
    let killed: Promise<void> | undefined;
    // Killing the leader of partition 0 moves a third of the stream (and the group coordinator when it lived
    // there). The events go through the library's own producer, so this proves it as well as the consumer.
    await produceWithLibrary(cluster.brokers, t.topic, ids, (sent) => {
      if (sent >= 1000 && !killed) killed = cluster.nodes.find((n) => n.id === leader)!.kill();
    });
    await killed;
    const result = await settle({
      scenario: 'leader-kill',
      ids,
      handled: () => handledIds([log]),
      kafka,
      dlqTopic: t.dlqTopic,
      topic: t.topic,
      groupId: t.groupId,
    });
    if (result.lost > 0) console.log(app.logs.slice(-8000));
    report(result);
    expect(result.lost).toBe(0);
    expect(result.handled).toBe(ids.length);
  }, 300_000);
});
