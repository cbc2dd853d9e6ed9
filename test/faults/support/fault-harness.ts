import { existsSync, readFileSync } from 'node:fs';
import { Kafka, KafkaMessage, logLevel, Message } from 'kafkajs';
import { PartitionAssigner, PartitionedMessages } from '../../../src/client/kafkajs/partition-assigner';

/** How long the harness keeps re-sending through a broker outage before it gives up. */
const OUTAGE_BUDGET_MS = 120_000;
/** Between re-sends of failed requests: a retry's pause, not a wait for something to happen. */
const RESEND_PAUSE_MS = 500;
import { KafkaProducerService } from '../../../src';
import { uniqueName, untilQuiet, waitFor } from '../../support/kafka';
import { startTestApp } from '../../support/kafka-app';

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

export function faultEvent(id: string, eventName = 'fault.event', key = id): Message {
  return { key, value: JSON.stringify({ id }), headers: { 'event-name': eventName, 'event-id': id } };
}

/**
 * Produces `messages` in batches with an idempotent producer and acks=all, retrying through broker
 * outages, one request per partition (as the library's producer does: a kafkajs request spanning several
 * leaders can lose a partition's records when its leader moves mid-request, kafkajs issue #1303).
 * `onProgress` is called after each batch with the count sent so far (to inject faults mid-stream).
 */
export async function produce(
  kafka: Kafka,
  topic: string,
  messages: Message[],
  onProgress?: (sent: number) => Promise<void> | void,
  batchSize = 100,
): Promise<void> {
  const producer = kafka.producer({ idempotent: true, retry: { retries: 30, maxRetryTime: 5000 } });
  const admin = kafka.admin();
  await Promise.all([producer.connect(), admin.connect()]);
  const partitions = new PartitionAssigner(
    async (t) => (await admin.fetchTopicMetadata({ topics: [t] })).topics[0].partitions,
  );
  try {
    for (let i = 0; i < messages.length; i += batchSize) {
      const records = messages
        .slice(i, i + batchSize)
        .map(({ key, value, headers }) => ({ topic, key: key ?? null, value, headers }));
      // kafkajs' own retry budget can run out while a broker restarts on a busy machine: the requests that
      // failed (and only those) go again until the outage budget is spent. A request that failed after the
      // broker wrote it comes back as a duplicate, never as a loss.
      const deadline = Date.now() + OUTAGE_BUDGET_MS;
      let pending: PartitionedMessages[] | undefined;
      for (;;) {
        try {
          pending ??= await partitions.assign(records);
          const results = await Promise.allSettled(
            pending.map((g) => producer.send({ topic, acks: -1, messages: g.messages })),
          );
          const failed = results.flatMap((r, n) =>
            r.status === 'rejected' ? [{ r, group: pending![n] }] : [],
          );
          if (failed.length === 0) break;
          pending = failed.map((f) => f.group);
          if (Date.now() > deadline) throw (failed[0].r as PromiseRejectedResult).reason;
        } catch (error) {
          if (Date.now() > deadline) throw error;
          partitions.invalidate(topic);
        }
        await new Promise((resolve) => setTimeout(resolve, RESEND_PAUSE_MS));
      }
      await onProgress?.(Math.min(i + batchSize, messages.length));
    }
  } finally {
    await Promise.all([producer.disconnect(), admin.disconnect()]);
  }
}

/** A record as read back, with the partition it sits in. */
export type ReadRecord = KafkaMessage & { partition: number };

/** Every record of `topic` up to its current end, read with a throwaway group. */
export async function readToEnd(kafka: Kafka, topic: string, timeoutMs = 60_000): Promise<ReadRecord[]> {
  const admin = kafka.admin();
  await admin.connect();
  const ends = await admin.fetchTopicOffsets(topic);
  await admin.disconnect();
  const total = ends.reduce((sum, p) => sum + Number(p.high) - Number(p.low), 0);
  const records: ReadRecord[] = [];
  if (total === 0) return records;
  const consumer = kafka.consumer({
    groupId: uniqueName('fault-reader'),
    maxWaitTimeInMs: 200,
    maxBytes: 64 << 20,
  });
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ message, partition }) => void records.push({ ...message, partition }),
    });
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

/** How many times each id was seen: a Set would hide the duplicates these figures are about. */
export function timesSeen(ids: Iterable<string>): Map<string, number> {
  const counts = new Map<string, number>();
  for (const id of ids) counts.set(id, (counts.get(id) ?? 0) + 1);
  return counts;
}

/** The event-id header of each record, in order (a record without one is left out). */
export function eventIdsOf(records: readonly KafkaMessage[]): string[] {
  return records
    .map((m) => m.headers?.['event-id']?.toString())
    .filter((id): id is string => id !== undefined);
}

/** Each line of a replica's log: the id it handled, when (ms since the epoch), its partition; a missing file is empty. */
export function handledLog(logFile: string): { id: string; at: number; partition: number }[] {
  if (!existsSync(logFile)) return [];
  return readFileSync(logFile, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => {
      const [id, at, partition] = line.split('\t');
      return { id, at: Number(at), partition: Number(partition) };
    });
}

/** Ids handled so far, one per handling, across the log files of every replica. */
export function handledIds(logFiles: string[]): string[] {
  return logFiles.flatMap((file) => handledLog(file).map(({ id }) => id));
}

/**
 * Counts by id what happened to `ids`: handled (seen by a handler at least once), parked (in the DLQ and never
 * handled), lost (neither), duplicated (outcomes beyond an id's first: handled again, or parked again). Waits
 * up to `timeoutMs` for every id to be handled or parked, then until deliveries have stopped for a while,
 * before counting; a scenario that loses events still gets its figures.
 */
export async function settle(options: {
  scenario: string;
  ids: string[];
  handled: () => string[];
  kafka: Kafka;
  dlqTopic: string;
  timeoutMs?: number;
  /** The consumed topic and group: when events are lost, their offsets are printed to explain why. */
  topic?: string;
  groupId?: string;
}): Promise<ScenarioResult> {
  const { ids, handled, kafka, dlqTopic } = options;
  const wanted = new Set(ids);
  // Every DLQ record of a scenario id, duplicates included.
  const parkedRecords = async () =>
    eventIdsOf(await readToEnd(kafka, dlqTopic).catch(() => [] as KafkaMessage[])).filter((id) =>
      wanted.has(id),
    );
  const covered = async () => {
    const seen = new Set(handled());
    if (ids.every((id) => seen.has(id))) return true;
    const parked = new Set(await parkedRecords());
    return ids.every((id) => seen.has(id) || parked.has(id));
  };
  await waitFor(
    covered,
    `every event of ${options.scenario} handled or parked`,
    options.timeoutMs ?? 120_000,
  ).catch(() => undefined);
  // A duplicate comes after the first delivery: count only once deliveries have stopped for a while.
  await untilQuiet(handled, { expected: 0, quietMs: 2000, what: `${options.scenario} deliveries` }).catch(
    () => undefined,
  );
  const handledTimes = timesSeen(handled().filter((id) => wanted.has(id)));
  const parkedTimes = timesSeen(await parkedRecords());
  const outcomes = (id: string) => (handledTimes.get(id) ?? 0) + (parkedTimes.get(id) ?? 0);
  const lostIds = ids.filter((id) => outcomes(id) === 0);
  const result: ScenarioResult = {
    scenario: options.scenario,
    produced: ids.length,
    handled: handledTimes.size,
    parked: [...parkedTimes.keys()].filter((id) => !handledTimes.has(id)).length,
    lost: lostIds.length,
    // Every outcome beyond an id's first, whether handled again or parked again.
    duplicated: ids.reduce((sum, id) => sum + Math.max(0, outcomes(id) - 1), 0),
  };
  if (result.lost > 0 && options.topic && options.groupId) {
    await explainLoss(kafka, options.topic, options.groupId, lostIds);
  }
  return result;
}

/** Prints where lost events sit against the group's committed offsets, to tell "skipped" from "stuck". */
async function explainLoss(kafka: Kafka, topic: string, groupId: string, lost: string[]): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const ends = await admin.fetchTopicOffsets(topic);
    const [{ partitions: committed }] = await admin.fetchOffsets({ groupId, topics: [topic] });
    const lostSet = new Set(lost);
    const where = (await readToEnd(kafka, topic))
      .filter((m) => lostSet.has(m.headers?.['event-id']?.toString() ?? ''))
      .slice(0, 10)
      .map((m) => `${m.headers?.['event-id']}@${m.offset}`);
    console.log(
      `[fault] lost ${lost.length}: ${where.join(' ')}\n` +
        ends
          .map((e) => {
            const c = committed.find((p) => p.partition === e.partition)?.offset;
            return `  partition ${e.partition}: committed ${c}, end ${e.high}`;
          })
          .join('\n'),
    );
  } finally {
    await admin.disconnect();
  }
}

/**
 * Produces fault events through the library's own KafkaProducerService.sendBatch (an app with no handlers),
 * so a scenario proves the producer as well as the consumers.
 */
export async function produceWithLibrary(
  brokers: string[],
  topic: string,
  ids: string[],
  onProgress?: (sent: number) => Promise<void> | void,
  batchSize = 100,
): Promise<void> {
  const app = await startTestApp({
    providers: [],
    kafka: {
      brokers,
      topics: { fault: topic },
      createTopics: false,
      // Generous: a leader election after a SIGKILL takes the broker session timeout (9 s) and more.
      producer: { retries: 30, maxRetryTimeMs: 10_000 },
    },
  });
  try {
    const producer = app.get(KafkaProducerService);
    for (let i = 0; i < ids.length; i += batchSize) {
      await producer.sendBatch(
        ids.slice(i, i + batchSize).map((id) => ({
          eventName: 'fault.event',
          payload: { id },
          options: { eventId: id, key: id },
        })),
      );
      await onProgress?.(Math.min(i + batchSize, ids.length));
    }
  } finally {
    await app.close();
  }
}
