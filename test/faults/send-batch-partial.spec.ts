import { KafkaCluster, startKafkaCluster } from '../../broker';
import { KafkaProducerService, KafkaSendError } from '../../src';
import { waitFor } from '../support/kafka';
import { startTestApp } from '../support/kafka-app';
import { faultKafka, readToEnd } from './support/fault-harness';

const PER_PARTITION = 10;

/**
 * README, `sendBatch`: "If one broker's request fails the call rejects; the other brokers' events may be
 * written, so a retry can duplicate them." Three brokers, each the only replica of one partition; one is down.
 */
describe(`a sendBatch with one broker of three down (${process.env.KAFKA_CLIENT ?? 'kafkajs'})`, () => {
  let cluster: KafkaCluster;

  beforeAll(async () => {
    cluster = await startKafkaCluster({ private: true, launcher: 'jvm', nodes: 3 });
  }, 180_000);

  afterAll(async () => {
    await cluster?.stop();
  });

  it("rejects with KafkaSendError, and the live brokers' events are written", async () => {
    const kafka = faultKafka(cluster.brokers);
    const topic = `batch-partial-${Date.now()}`;
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({
      topics: [
        {
          topic,
          replicaAssignment: cluster.nodes.map((node, partition) => ({ partition, replicas: [node.id] })),
        },
      ],
      waitForLeaders: true,
    });
    await admin.disconnect();
    const app = await startTestApp({
      providers: [],
      kafka: {
        brokers: cluster.brokers,
        topics: { batch: topic },
        createTopics: false,
        // A short budget: the down broker's records fail in seconds.
        producer: { retries: 1, maxRetryTimeMs: 500 },
      },
    });
    const event = (partition: number, i: number) => ({
      eventName: 'batch.item.counted',
      payload: { partition, i },
      options: { partition, eventId: `p${partition}-${i}` },
    });
    const partitions = cluster.nodes.map((_, partition) => partition);
    try {
      const producer = app.get(KafkaProducerService);
      // Connected to every leader first, so the batch meets a broker that went away, not one never reached. The
      // short budget can end before the first connections are made: tried until one batch got through.
      await waitFor(
        () =>
          producer.sendBatch(partitions.map((p) => event(p, -1))).then(
            () => true,
            () => false,
          ),
        'a first batch written to every leader',
        30_000,
      );
      const down = partitions.length - 1;
      await cluster.nodes[down].stop();

      const batch = partitions.flatMap((p) => Array.from({ length: PER_PARTITION }, (_, i) => event(p, i)));
      await expect(producer.sendBatch(batch)).rejects.toBeInstanceOf(KafkaSendError);

      await cluster.nodes[down].start();
      const written = (await readToEnd(kafka, topic)).map((r) => r.headers?.['event-id']?.toString());
      const ofBatch = (p: number) => written.filter((id) => id?.startsWith(`p${p}-`) && id !== `p${p}--1`);
      expect(partitions.map((p) => ofBatch(p).length)).toEqual(
        partitions.map((p) => (p === down ? 0 : PER_PARTITION)),
      );
    } finally {
      await app.close();
    }
  }, 180_000);
});
