import { INestApplicationContext, Injectable } from '@nestjs/common';
import { Kafka, Message } from 'kafkajs';
import { KafkaCluster, startKafkaCluster } from '../../broker';
import { DeadLetterHeaders, EventHandler } from '../../src';
import { untilQuiet, waitFor } from '../support/kafka';
import { startTestApp, waitForGroups } from '../support/kafka-app';
import {
  eventIdsOf,
  faultEvent,
  faultKafka,
  produce,
  readToEnd,
  ReadRecord,
  ScenarioResult,
  timesSeen,
} from './support/fault-harness';
import { report } from './support/fault-report';
import { scenarioTopics } from './support/fault-scenario';

const handled: string[] = [];

@Injectable()
class FaultHandlers {
  @EventHandler({ eventName: 'fault.*', fromBeginning: true })
  handle(event: { id: string; fail?: boolean }): void {
    if (event.fail) throw new Error(`rejected ${event.id}`);
    handled.push(event.id);
  }
}

const ONE_MB = 1_000_000;
const json = (id: string, extra: object = {}) => JSON.stringify({ id, ...extra });

/** Each kind: how to build one record, and where it must end: parked in the DLQ, or skipped (and committed). */
const KINDS: Record<string, { build: (id: string) => Message; expect: 'parked' | 'skipped' }> = {
  'invalid-json': {
    build: (id) => ({ value: '{"id": "' + id + '",', headers: { 'event-name': 'fault.event' } }),
    expect: 'parked',
  },
  'invalid-utf8': {
    build: () => ({ value: Buffer.from([0xc3, 0x28, 0xff, 0xfe]), headers: { 'event-name': 'fault.event' } }),
    expect: 'parked',
  },
  'empty-value': {
    build: () => ({ value: Buffer.alloc(0), headers: { 'event-name': 'fault.event' } }),
    expect: 'parked',
  },
  tombstone: { build: () => ({ value: null, headers: { 'event-name': 'fault.event' } }), expect: 'parked' },
  '1mb-value': {
    build: (id) => ({
      value: json(id, { fail: true, blob: 'x'.repeat(ONE_MB - 100) }),
      headers: { 'event-name': 'fault.event' },
    }),
    expect: 'parked',
  },
  'huge-header': {
    build: (id) => ({
      value: json(id, { fail: true }),
      headers: { 'event-name': 'fault.event', trace: 't'.repeat(200_000) },
    }),
    expect: 'parked',
  },
  'wrong-content-type': {
    build: (id) => ({
      value: `<event id="${id}"/>`,
      headers: { 'event-name': 'fault.event', 'content-type': 'application/xml' },
    }),
    expect: 'parked',
  },
  'no-handler': {
    build: (id) => ({ value: json(id), headers: { 'event-name': 'other.thing.happened' } }),
    expect: 'skipped',
  },
  'unknown-domain': {
    build: (id) => ({ value: json(id), headers: { 'event-name': 'warehouse.stock.moved' } }),
    expect: 'skipped',
  },
};
const PER_KIND = 5;
const NORMAL = 2000;

/** Records that are not events, or that break size assumptions, among a stream of good ones. */
describe('fault suite: poison records', () => {
  let cluster: KafkaCluster;
  let kafka: Kafka;
  let app: INestApplicationContext;

  beforeAll(async () => {
    cluster = await startKafkaCluster({ private: true, launcher: 'jvm' });
    kafka = faultKafka(cluster.brokers);
  }, 120_000);

  afterAll(async () => {
    await app?.close();
    await cluster?.stop();
  });

  it('parks or skips every kind of poison record, never crashing the consumer or losing a good event', async () => {
    const t = await scenarioTopics(kafka, 'poison', 3);
    app = await startTestApp({
      providers: [FaultHandlers],
      kafka: {
        brokers: cluster.brokers,
        clientId: 'poison-app',
        topics: { fault: t.topic },
        dlqTopic: t.dlqTopic,
        retry: { attempts: 1 },
      },
    });
    await waitForGroups(app);

    // Interleave: every 40 good events, one poison record of the next kind; ids in the event-id header.
    const kinds = Object.keys(KINDS);
    const messages: Message[] = [];
    const poisonIds = new Map<string, string[]>(kinds.map((k) => [k, []]));
    let poison = 0;
    for (let i = 0; i < NORMAL; i++) {
      messages.push(faultEvent(`good-${i}`));
      if (i % 40 === 0 && poison < kinds.length * PER_KIND) {
        const kind = kinds[poison % kinds.length];
        const id = `${kind}-${poison}`;
        const record = KINDS[kind].build(id);
        messages.push({ ...record, key: id, headers: { ...record.headers, 'event-id': id } });
        poisonIds.get(kind)!.push(id);
        poison++;
      }
    }
    expect(poison).toBe(kinds.length * PER_KIND);
    await produce(kafka, t.topic, messages, undefined, 20);

    const groupId = 'poison-app.FaultHandlers.handle';
    await waitFor(() => handled.length >= NORMAL, 'every good event handled', 120_000);
    // Every record is finished (handled, parked or skipped) once the group has committed the whole topic.
    await waitFor(
      async () => committedToEnd(kafka, t.topic, groupId),
      'offsets committed to the end of the topic',
      60_000,
    );
    // A duplicate would come after the first delivery: count once nothing more has come for a while.
    await untilQuiet(() => handled, { expected: NORMAL, quietMs: 2000, what: 'good events handled' });
    const handledTimes = timesSeen(handled);
    const parkedTimes = timesSeen(eventIdsOf(await readToEnd(kafka, t.dlqTopic)));
    // Where each record sits, against what the group committed: a record below its partition's committed
    // offset was finished; one at or above it was not (it would be delivered again, or never if skipped wrongly).
    const positions = new Map(
      (await readToEnd(kafka, t.topic)).map((m: ReadRecord) => [
        m.headers?.['event-id']?.toString(),
        { partition: m.partition, offset: Number(m.offset) },
      ]),
    );
    const committed = await committedOffsets(kafka, t.topic, groupId);
    const finished = (id: string) => {
      const at = positions.get(id);
      return at !== undefined && at.offset < (committed.get(at.partition) ?? 0);
    };

    const times = (counts: Map<string, number>, ids: string[]) =>
      ids.reduce((sum, id) => sum + (counts.get(id) ?? 0), 0);
    for (const kind of kinds) {
      const ids = poisonIds.get(kind)!;
      const handledIds = ids.filter((id) => handledTimes.has(id));
      const parkedIds = ids.filter((id) => parkedTimes.has(id) && !handledTimes.has(id));
      const result: ScenarioResult = {
        scenario: `poison-${kind}`,
        produced: ids.length,
        handled: handledIds.length,
        parked: parkedIds.length,
        // Neither handled nor parked, and for a skipped kind, not committed past either.
        lost: ids.filter(
          (id) =>
            !handledTimes.has(id) &&
            !parkedTimes.has(id) &&
            (KINDS[kind].expect === 'parked' || !finished(id)),
        ).length,
        // Outcomes beyond each id's first: handled again, or parked again.
        duplicated:
          times(handledTimes, ids) +
          times(parkedTimes, ids) -
          ids.filter((id) => handledTimes.has(id) || parkedTimes.has(id)).length,
      };
      report(result);
      expect(result).toEqual({
        scenario: `poison-${kind}`,
        produced: PER_KIND,
        handled: 0,
        parked: KINDS[kind].expect === 'parked' ? PER_KIND : 0,
        lost: 0,
        duplicated: 0,
      });
    }
    const dlq = await readToEnd(kafka, t.dlqTopic);
    const parkedBy = (id: string) => dlq.find((m) => m.headers?.['event-id']?.toString() === id);
    const reasons = Object.fromEntries(
      kinds.map((k) => [k, parkedBy(poisonIds.get(k)![0])?.headers?.[DeadLetterHeaders.REASON]?.toString()]),
    );
    expect(reasons).toMatchObject({
      'invalid-json': 'invalid-json',
      'invalid-utf8': 'invalid-json',
      'empty-value': 'empty-value',
      tombstone: 'empty-value',
      '1mb-value': 'handler-error',
      'huge-header': 'handler-error',
      'wrong-content-type': 'invalid-json',
    });
    // The good stream went through exactly once, around all of it: each good id once, and nothing else.
    const goodIds = messages
      .map((m) => m.headers!['event-id']!.toString())
      .filter((id) => id.startsWith('good-'));
    expect(goodIds).toHaveLength(NORMAL);
    expect([...handledTimes].filter(([, n]) => n !== 1)).toEqual([]);
    expect([...handledTimes.keys()].sort()).toEqual([...goodIds].sort());
    expect(handled).toHaveLength(goodIds.length);
  }, 300_000);
});

/** The group's committed offset per partition of `topic` (-1 where it committed nothing). */
async function committedOffsets(kafka: Kafka, topic: string, groupId: string): Promise<Map<number, number>> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const [{ partitions }] = await admin.fetchOffsets({ groupId, topics: [topic] });
    return new Map(partitions.map((p) => [p.partition, Number(p.offset)]));
  } finally {
    await admin.disconnect();
  }
}

async function committedToEnd(kafka: Kafka, topic: string, groupId: string): Promise<boolean> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const ends = await admin.fetchTopicOffsets(topic);
    const [{ partitions }] = await admin.fetchOffsets({ groupId, topics: [topic] });
    return ends.every((e) => partitions.find((p) => p.partition === e.partition)?.offset === e.high);
  } finally {
    await admin.disconnect();
  }
}
