import { randomUUID } from 'node:crypto';
import { Kafka, logLevel } from 'kafkajs';
import { patchKafkajsRequestQueue } from '../../src/client/kafkajs/kafkajs-request-queue.patch';

// The tests' own kafkajs clients get the library's fix too, as an app's do when it shares the library's kafkajs:
// a spec that never loads the library (broker-roundtrip) otherwise meets kafkajs' negative timer on Node 24.
patchKafkajsRequestQueue();

/** Bootstrap servers of the broker the integration global setup started or was given. */
export function testBrokers(): string[] {
  const brokers = process.env.KAFKA_BROKERS;
  if (!brokers)
    throw new Error('KAFKA_BROKERS is not set: run integration tests through jest (global setup)');
  return brokers.split(',');
}

export function testKafka(clientId = 'integration-test'): Kafka {
  return new Kafka({ clientId, brokers: testBrokers(), logLevel: logLevel.NOTHING });
}

/** A name no other test (or earlier run against the same broker) uses. */
export function uniqueName(prefix: string): string {
  return `${prefix}.${randomUUID().slice(0, 8)}`;
}

/** Under KRaft, kafkajs cannot subscribe to a topic that does not exist yet, so tests create theirs first. */
export async function createTopic(kafka: Kafka, topic: string, numPartitions = 1): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    await admin.createTopics({ topics: [{ topic, numPartitions }], waitForLeaders: true });
  } finally {
    await admin.disconnect();
  }
}

/** Polls `condition` until it holds or the deadline passes; never a fixed sleep. */
export async function waitFor(
  condition: () => boolean | Promise<boolean>,
  what: string,
  timeoutMs = 30_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

export interface QuietOptions {
  /** How many items make the expected outcome; the wait starts counting quiet time only once it is reached. */
  expected: number;
  /** How long nothing new must arrive after that; a duplicate has this long to show up. Default 1 s. */
  quietMs?: number;
  /** Deadline for reaching `expected`. Default 30 s. */
  timeoutMs?: number;
  /** What is awaited, for the timeout message. */
  what?: string;
}

/**
 * Waits until `seen()` holds at least `expected` items and then stays the same length for `quietMs`, and
 * returns a copy of everything seen. "Delivered once" checks assert the exact count on the result: waiting for
 * the first match only would stop before a duplicate could arrive. The quiet window is the one accepted wait
 * on time alone here, because the absence of a duplicate has no event to wait for.
 */
export async function untilQuiet<T>(
  seen: () => readonly T[],
  { expected, quietMs = 1000, timeoutMs = 30_000, what = `${expected} items` }: QuietOptions,
): Promise<T[]> {
  await waitFor(() => seen().length >= expected, `${what} (have ${seen().length})`, timeoutMs);
  let count = seen().length;
  let changedAt = Date.now();
  await waitFor(
    () => {
      if (seen().length !== count) {
        count = seen().length;
        changedAt = Date.now();
      }
      return Date.now() - changedAt >= quietMs;
    },
    `${what} to stay at ${count} for ${quietMs} ms`,
    timeoutMs + quietMs,
  );
  return [...seen()];
}

/** The offset a group committed on partition 0 of `topic`; 0 when it committed nothing yet. */
export async function committedOffset(groupId: string, topic: string): Promise<number> {
  const admin = testKafka().admin();
  await admin.connect();
  try {
    const [{ partitions }] = await admin.fetchOffsets({ groupId, topics: [topic] });
    return Math.max(0, Number(partitions.find((p) => p.partition === 0)?.offset ?? -1));
  } finally {
    await admin.disconnect();
  }
}
