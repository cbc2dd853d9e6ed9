import { existsSync, readFileSync } from 'node:fs';
import { Kafka, KafkaMessage, logLevel, Message } from 'kafkajs';
import { uniqueName, waitFor } from '../../support/kafka';

export interface ScenarioResult {
  scenario: string;
  produced: number;
  handled: number;
  parked: number;
  lost: number;
  duplicated: number;
}

export function faultKafka(brokers: string[]): Kafka {
  return new Kafka({
    clientId: 'fault-harness',
    brokers,
    logLevel: logLevel.NOTHING,
    retry: { retries: 12 },
  });
}

/** Event ids `prefix-0` ... `prefix-(count-1)`. */
export function eventIds(prefix: string, count: number): string[] {
  return Array.from({ length: count }, (_, i) => `${prefix}-${i}`);
}

export function faultEvent(id: string, eventName = 'fault.event'): Message {
  return { key: id, value: JSON.stringify({ id }), headers: { 'event-name': eventName, 'event-id': id } };
}

/**
 * Produces `messages` in batches with an idempotent producer and acks=all, retrying through broker
 * outages. `onProgress` is called after each batch with the count sent so far (to inject faults mid-stream).
 */
export async function produce(
  kafka: Kafka,
  topic: string,
  messages: Message[],
  onProgress?: (sent: number) => Promise<void> | void,
  batchSize = 100,
): Promise<void> {
  const producer = kafka.producer({ idempotent: true, retry: { retries: 30, maxRetryTime: 5000 } });
  await producer.connect();
  try {
    for (let i = 0; i < messages.length; i += batchSize) {
      await producer.send({ topic, acks: -1, messages: messages.slice(i, i + batchSize) });
      await onProgress?.(Math.min(i + batchSize, messages.length));
    }
  } finally {
    await producer.disconnect();
  }
}

/** Every record of `topic` up to its current end, read with a throwaway group. */
export async function readToEnd(kafka: Kafka, topic: string, timeoutMs = 60_000): Promise<KafkaMessage[]> {
  const admin = kafka.admin();
  await admin.connect();
  const ends = await admin.fetchTopicOffsets(topic);
  await admin.disconnect();
  const total = ends.reduce((sum, p) => sum + Number(p.high) - Number(p.low), 0);
  const records: KafkaMessage[] = [];
  if (total === 0) return records;
  const consumer = kafka.consumer({
    groupId: uniqueName('fault-reader'),
    maxWaitTimeInMs: 200,
    maxBytes: 64 << 20,
  });
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({ eachMessage: async ({ message }) => void records.push(message) });
    await waitFor(
      () => records.length >= total,
      `${total} records on ${topic} (have ${records.length})`,
      timeoutMs,
    );
  } finally {
    await consumer.disconnect();
  }
  return records;
}

/** Ids handled so far, one line each, across the log files of every replica (a missing file is empty). */
export function handledIds(logFiles: string[]): string[] {
  return logFiles.flatMap((file) =>
    existsSync(file) ? readFileSync(file, 'utf8').split('\n').filter(Boolean) : [],
  );
}

/**
 * Counts by id what happened to `ids`: handled (seen by a handler at least once), parked (in the DLQ),
 * lost (neither), duplicated (extra deliveries beyond the first). Waits up to `timeoutMs` for every id to
 * be handled or parked before counting; a scenario that loses events still gets its figures.
 */
export async function settle(options: {
  scenario: string;
  ids: string[];
  handled: () => string[];
  kafka: Kafka;
  dlqTopic: string;
  /** Ids that are expected to end in the DLQ rather than a handler. */
  timeoutMs?: number;
}): Promise<ScenarioResult> {
  const { ids, handled, kafka, dlqTopic } = options;
  const wanted = new Set(ids);
  const parkedIds = async () =>
    new Set(
      (await readToEnd(kafka, dlqTopic).catch(() => [] as KafkaMessage[]))
        .map((m) => m.headers?.['event-id']?.toString())
        .filter((id): id is string => id !== undefined && wanted.has(id)),
    );
  const covered = async () => {
    const seen = new Set(handled());
    if (ids.every((id) => seen.has(id))) return true;
    const parked = await parkedIds();
    return ids.every((id) => seen.has(id) || parked.has(id));
  };
  await waitFor(
    covered,
    `every event of ${options.scenario} handled or parked`,
    options.timeoutMs ?? 120_000,
  ).catch(() => undefined);
  const deliveries = handled().filter((id) => wanted.has(id));
  const counts = new Map<string, number>();
  for (const id of deliveries) counts.set(id, (counts.get(id) ?? 0) + 1);
  const parked = await parkedIds();
  const result: ScenarioResult = {
    scenario: options.scenario,
    produced: ids.length,
    handled: counts.size,
    parked: [...parked].filter((id) => !counts.has(id)).length,
    lost: ids.filter((id) => !counts.has(id) && !parked.has(id)).length,
    duplicated: deliveries.length - counts.size,
  };
  return result;
}
