import { INestApplicationContext, Injectable } from '@nestjs/common';
import { Kafka, Message } from 'kafkajs';
import { KafkaCluster, startKafkaCluster } from '../../broker';
import { DeadLetterHeaders, EventHandler } from '../../src';
import { waitFor } from '../support/kafka';
import { startTestApp, waitForGroups } from '../support/kafka-app';
import { faultEvent, faultKafka, produce, readToEnd, ScenarioResult } from './support/fault-harness';
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

    const expectedParked = kinds.filter((k) => KINDS[k].expect === 'parked').length * PER_KIND;
    await waitFor(() => handled.length >= NORMAL, 'every good event handled', 120_000);
    const dlq = await waitForDlq(kafka, t.dlqTopic, expectedParked);
    // Skipped records are committed: the group's committed offsets reach the end of every partition.
    await waitFor(
      async () => committedToEnd(kafka, t.topic, 'poison-app.FaultHandlers.handle'),
      'offsets committed to the end of the topic',
      60_000,
    );

    const parkedBy = (id: string) => dlq.find((m) => m.headers?.['event-id']?.toString() === id);
    for (const kind of kinds) {
      const ids = poisonIds.get(kind)!;
      const parked = ids.filter((id) => parkedBy(id)).length;
      const result: ScenarioResult = {
        scenario: `poison-${kind}`,
        produced: ids.length,
        handled: ids.filter((id) => handled.includes(id)).length,
        parked,
        // Parked kinds must be in the DLQ; skipped kinds are accounted for by the committed offsets above.
        lost: KINDS[kind].expect === 'parked' ? ids.length - parked : 0,
        duplicated: 0,
      };
      report(result);
      expect(result).toMatchObject(
        KINDS[kind].expect === 'parked' ? { parked: PER_KIND, lost: 0 } : { parked: 0, handled: 0, lost: 0 },
      );
    }
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
    // The good stream went through exactly once, around all of it.
    expect(new Set(handled).size).toBe(NORMAL);
  }, 300_000);
});

async function waitForDlq(kafka: Kafka, topic: string, count: number) {
  let records = await readToEnd(kafka, topic);
  await waitFor(
    async () => (records = await readToEnd(kafka, topic)).length >= count,
    `${count} DLQ records`,
    120_000,
  );
  return records;
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
