/**
 * `npx ts-node --transpile-only bench/fetch-gate.ts`: isolates one behaviour of each client's KafkaJS-shaped `eachBatch`, with no library
 * code in between. A consumer with `partitionsConsumedConcurrently: 2` reads a 2-partition topic; the batch of
 * partition 0 is held (a slow handler) for HOLD_MS; while it is held one record is written to partition 1.
 * Printed: how long that record took to reach its `eachBatch`, and whether that was before the hold ended.
 *
 * Read in docs/clients.md: on @confluentinc/kafka-javascript a worker fetches only when no partition is checked
 * out by another (lib/kafkajs/_consumer.js, `#consumeCachedN`), so one held batch stops new records of every
 * partition, and the rebalance callbacks librdkafka serves inside that fetch wait too. Each run is appended to
 * bench/results/fetch-gate.jsonl with its commit and date.
 */
import { appendFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { startKafkaCluster } from '../broker';
import { codeCommit } from './machine.info';
import { SECOND_CLIENT, workerNodePath } from './second.client';

const HOLD_MS = 10_000;

interface Payload {
  batch: { partition: number; messages: { value: Buffer | null }[] };
  resolveOffset(offset: string): void;
}
interface Consumer {
  connect(): Promise<void>;
  subscribe(s: { topics: string[] }): Promise<void>;
  run(c: { partitionsConsumedConcurrently: number; eachBatch: (p: Payload) => Promise<void> }): Promise<void>;
  disconnect(): Promise<void>;
}

async function measure(name: string, consumer: Consumer, kafka: Kafka, topic: string): Promise<void> {
  const producer = kafka.producer();
  await producer.connect();
  let held: (() => void) | undefined;
  let heldAt = 0;
  const seen = new Promise<number>((resolve) => {
    void consumer.run({
      partitionsConsumedConcurrently: 2,
      eachBatch: async ({ batch }) => {
        const values = batch.messages.map((m) => m.value?.toString());
        if (values.includes('hold')) {
          heldAt = Date.now();
          await new Promise<void>((release) => {
            held = release;
            setTimeout(release, HOLD_MS);
          });
        }
        if (values.includes('probe')) resolve(Date.now());
      },
    });
  });
  await producer.send({ topic, messages: [{ partition: 0, value: 'hold' }] });
  while (!held) await new Promise((r) => setTimeout(r, 20));
  const sentAt = Date.now();
  await producer.send({ topic, messages: [{ partition: 1, value: 'probe' }] });
  const deliveredAt = await seen;
  const ms = deliveredAt - sentAt;
  const heldFor = deliveredAt - heldAt;
  appendFileSync(
    join(__dirname, 'results', 'fetch-gate.jsonl'),
    JSON.stringify({
      date: new Date().toISOString(),
      commit: codeCommit(),
      client: name,
      holdMs: HOLD_MS,
      probeMs: ms,
      afterHold: heldFor >= HOLD_MS,
    }) + '\n',
  );
  console.log(
    `${name}: a record written to partition 1 while partition 0's batch was held reached eachBatch after ${ms} ms ` +
      `(${heldFor >= HOLD_MS ? 'only once the hold ended' : 'during the hold'}; hold ${HOLD_MS} ms)`,
  );
  held?.();
  await producer.disconnect();
  await consumer.disconnect();
}

async function main(): Promise<void> {
  const cluster = await startKafkaCluster({ private: true, launcher: 'jvm' });
  try {
    const kafka = new Kafka({ brokers: cluster.brokers, clientId: 'fetch-gate', logLevel: logLevel.NOTHING });
    const admin = kafka.admin();
    await admin.connect();
    const topics = ['fetch-gate-kafkajs', 'fetch-gate-confluent'];
    await admin.createTopics({
      topics: topics.map((topic) => ({ topic, numPartitions: 2 })),
      waitForLeaders: true,
    });
    await admin.disconnect();

    const kafkajs = kafka.consumer({ groupId: 'fetch-gate-kafkajs', maxWaitTimeInMs: 100 });
    await kafkajs.connect();
    await kafkajs.subscribe({ topics: [topics[0]], fromBeginning: true });
    await measure('kafkajs', kafkajs as unknown as Consumer, kafka, topics[0]);

    const nodePath = workerNodePath();
    const { KafkaJS } = createRequire(nodePath ? `${nodePath}/x.js` : __filename)(SECOND_CLIENT) as {
      KafkaJS: { Kafka: new (c: object) => { consumer(c: object): Consumer } };
    };
    const confluent = new KafkaJS.Kafka({ kafkaJS: { brokers: cluster.brokers, logLevel: 0 } }).consumer({
      kafkaJS: { groupId: 'fetch-gate-confluent', fromBeginning: true, maxWaitTimeInMs: 100 },
    });
    await confluent.connect();
    await confluent.subscribe({ topics: [topics[1]] });
    await measure('@confluentinc/kafka-javascript', confluent, kafka, topics[1]);
  } finally {
    await cluster.stop();
  }
}

void main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
