import { INestApplicationContext, Injectable } from '@nestjs/common';
import {
  DeadLetterReplayHeaders,
  DeadLetterService,
  EventContext,
  EventHandler,
  KafkaConsumerService,
  KafkaProducerService,
} from '../../src';
import { z } from 'zod';
import { EventSchema } from '../../src/interfaces/event-schema.interface';
import { runKafkaEvents } from '../../src/cli/kafka-events.command';
import { createTopic, testBrokers, testKafka, uniqueName, untilQuiet, waitFor } from '../support/kafka';
import { startTestApp, waitForGroups } from '../support/kafka-app';

interface Shipment {
  id: string;
  key: string;
  seq: number;
}

const GROUP = 'replay-it-shipping';
const OTHER_GROUP = 'replay-it-audit';

/** Fails while `broken` says so: the handler that gets "fixed". */
const broken = { ids: new Set<string>(), all: (id: string) => Number(id.split('-')[1]) % 5 === 0 };
let fixed = false;
const labelCalls: { id: string; seq: number; key: string; topic: string; replayCount?: string }[] = [];
const notifyCalls: string[] = [];
const auditCalls: string[] = [];

@Injectable()
class ShippingHandlers {
  @EventHandler({ eventName: 'shipping.*', groupId: GROUP, fromBeginning: true })
  label(event: Shipment, context: EventContext): void {
    if (broken.ids.has(event.id) || (!fixed && broken.all(event.id))) {
      throw new Error(`label printer jammed for ${event.id}`);
    }
    labelCalls.push({
      id: event.id,
      seq: event.seq,
      key: event.key,
      topic: context.topic,
      replayCount: context.headers[DeadLetterReplayHeaders.COUNT],
    });
  }

  @EventHandler({ eventName: 'shipping.*', groupId: GROUP, fromBeginning: true })
  notify(event: Shipment): void {
    notifyCalls.push(event.id);
  }
}

@Injectable()
class AuditHandlers {
  @EventHandler({ eventName: 'shipping.*', groupId: OTHER_GROUP, fromBeginning: true })
  record(event: Shipment): void {
    auditCalls.push(event.id);
  }
}

const count = (list: readonly string[], id: string) => list.filter((x) => x === id).length;

/** Runs `kafka-events <args>` in-process against the test broker and `dlqTopic`. */
async function kafkaEvents(dlqTopic: string, args: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const env = { KAFKA_BROKERS: testBrokers().join(','), KAFKA_DLQ_TOPIC: dlqTopic };
  const code = await runKafkaEvents(args, { out: (l) => out.push(l), err: (l) => err.push(l), env });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

/** The REPLAYS cell of each row of a `dlq list` table. */
function replaysColumn(table: string): string[] {
  const [head, ...rows] = table.split('\n');
  const at = head.indexOf('REPLAYS');
  return rows.map((row) => row.slice(at).split(/\s+/)[0]);
}

describe('DeadLetterService.replay', () => {
  let app: INestApplicationContext;
  let dlq: DeadLetterService;
  let producer: KafkaProducerService;
  const topic = uniqueName('shipping');
  const dlqTopic = uniqueName('dlq');

  beforeAll(async () => {
    app = await startTestApp({
      providers: [ShippingHandlers, AuditHandlers],
      kafka: {
        topics: { shipping: topic },
        dlqTopic,
        createTopics: { numPartitions: 3 },
        deadLetter: { replay: true },
        retry: { attempts: 1 },
      },
    });
    await waitForGroups(app);
    dlq = app.get(DeadLetterService);
    producer = app.get(KafkaProducerService);
  });

  afterAll(async () => {
    await app?.close();
  });

  it('redelivers each parked event once, to the fixed handler only, in key order; a second run replays none', async () => {
    const events: Shipment[] = [];
    for (let seq = 0; seq < 300; seq++) events.push({ id: `s-${seq}`, key: `k${seq % 10}`, seq });
    await producer.sendBatch(
      events.map((e) => ({ eventName: 'shipping.label.requested', payload: e, options: { key: e.key } })),
    );
    const failing = events.filter((e) => broken.all(e.id)).map((e) => e.id);
    await untilQuiet(() => notifyCalls, { expected: 300, what: 'notify calls' });
    await untilQuiet(() => auditCalls, { expected: 300, what: 'audit calls' });
    await waitFor(
      async () => (await dlq.list({ group: GROUP }, { limit: 1000 })).length === failing.length,
      'the failures to be parked',
    );

    fixed = true;
    const first = await dlq.replay({ group: GROUP });
    expect(first).toMatchObject({ matched: 60, replayed: 60, skipped: {}, dryRun: false });

    const labelled = await untilQuiet(() => labelCalls, { expected: 300, what: 'label calls' });
    // Each parked event handled once by the fixed handler, as if read from its own topic...
    for (const id of failing) expect(labelled.filter((c) => c.id === id)).toHaveLength(1);
    const replayed = labelled.filter((c) => c.replayCount === '1');
    expect(replayed.map((c) => c.id).sort()).toEqual([...failing].sort());
    expect(new Set(replayed.map((c) => c.topic))).toEqual(new Set([topic]));
    // ...in the order of its key,
    for (const key of new Set(replayed.map((c) => c.key))) {
      const seqs = replayed.filter((c) => c.key === key).map((c) => c.seq);
      expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    }
    // and never again by the group's other handler, nor by another group on the topic.
    expect(notifyCalls).toHaveLength(300);
    expect(auditCalls).toHaveLength(300);
    for (const id of failing) expect([count(notifyCalls, id), count(auditCalls, id)]).toEqual([1, 1]);

    const second = await dlq.replay({ group: GROUP });
    expect(second).toMatchObject({ matched: 0, replayed: 0 });
    await untilQuiet(() => labelCalls, { expected: 300, what: 'no further label calls' });
    expect(labelCalls).toHaveLength(300);

    const status = app.get(KafkaConsumerService).get(GROUP)!;
    expect(status.redelivery).toMatchObject({ on: true, handled: 60, parked: 0 });

    // The records stay in the DLQ; list shows each was replayed once (the service and the command).
    const listed = await dlq.list({ group: GROUP }, { limit: 1000 });
    expect(listed.map((e) => e.replays)).toEqual(failing.map(() => 1));
    const table = await kafkaEvents(dlqTopic, ['dlq', 'list', '--group', GROUP, '--limit', '1000']);
    expect(table.code).toBe(0);
    expect(replaysColumn(table.out)).toEqual(failing.map(() => '1'));
  });

  it('parks a record that fails again with dlq-replay-count 1, leaves it to the next run, and stops at the limit', async () => {
    broken.ids.add('p-1');
    broken.ids.add('p-2');
    const sent = await producer.send('shipping.parcel.lost', { id: 'p-1', key: 'kp', seq: 0 }, { key: 'kp' });
    await producer.send('shipping.parcel.lost', { id: 'p-2', key: 'kp', seq: 1 }, { key: 'kp' });
    const filter = { event: 'shipping.parcel.*' };
    await waitFor(async () => (await dlq.list(filter)).length === 2, 'p-1 and p-2 to be parked');

    const atStart = (await dlq.list({}, { limit: 10_000 })).length;
    // At 1 record/s, p-1 fails again and is parked again while the run still paces p-2.
    const run = await dlq.replay(filter, { rate: 1 });
    expect(run).toMatchObject({ scanned: atStart, matched: 2, replayed: 2 });
    await waitFor(async () => (await dlq.list(filter)).length === 4, 'p-1 and p-2 to be parked again');
    const again = (await dlq.list(filter)).slice(2);
    expect(again.map((e) => [e.eventName, e.replayCount])).toEqual([
      ['shipping.parcel.lost', 1],
      ['shipping.parcel.lost', 1],
    ]);
    expect(again[0]).toMatchObject({ eventId: sent.eventId, originalTopic: topic });
    expect(again[0].headers[DeadLetterReplayHeaders.FROM_TOPIC]).toBe(dlqTopic);

    const limited = await dlq.replay(filter, { maxReplays: 1 });
    expect(limited).toMatchObject({ matched: 2, replayed: 0, skipped: { 'replay-limit': 2 } });
    expect(notifyCalls.filter((id) => id === 'p-1')).toHaveLength(1);
  });

  it('counts without writing in a dry run', async () => {
    broken.ids.add('d-1');
    await producer.send('shipping.dry.run', { id: 'd-1', key: 'kd', seq: 0 }, { key: 'kd' });
    const filter = { event: 'shipping.dry.*' };
    await waitFor(async () => (await dlq.list(filter)).length === 1, 'd-1 to be parked');
    broken.ids.delete('d-1');

    const before = labelCalls.length;
    expect(await dlq.replay(filter, { dryRun: true })).toMatchObject({ replayed: 1, dryRun: true });
    expect(await dlq.replay(filter, { dryRun: true })).toMatchObject({ replayed: 1, dryRun: true });
    await untilQuiet(() => labelCalls, { expected: before, what: 'no label call from a dry run' });
    expect(labelCalls.length).toBe(before);
    // Nothing remembered either: the real run still replays it.
    expect(await dlq.replay(filter)).toMatchObject({ replayed: 1 });
    await waitFor(() => labelCalls.some((c) => c.id === 'd-1'), 'd-1 to be replayed');
  });

  it('remembers how far a filter replayed, and fromStart forgets it and replays from the first record', async () => {
    // The dry-run test's d-1 was replayed once under this filter: its progress is kept in the broker.
    const filter = { event: 'shipping.dry.*' };
    await untilQuiet(() => labelCalls.filter((c) => c.id === 'd-1'), {
      expected: 1,
      what: 'd-1 handled once',
    });
    expect(await dlq.replay(filter)).toMatchObject({ matched: 0, replayed: 0 });

    expect(await dlq.replay(filter, { fromStart: true })).toMatchObject({ matched: 1, replayed: 1 });
    const handled = await untilQuiet(() => labelCalls.filter((c) => c.id === 'd-1'), {
      expected: 2,
      what: 'd-1 handled again',
    });
    expect(handled.map((c) => c.replayCount)).toEqual(['1', '1']);
  });
});

const STOCK_GROUP = 'replay-it-stock';
const adjusted: { sku: string; qty: number; replayCount?: string }[] = [];

/** The same handler (StockHandlers.adjust, one group) in two deploys: the schema is all that changes. */
function stockHandlers(schema: EventSchema<{ sku: string; qty: number }>) {
  @Injectable()
  class StockHandlers {
    @EventHandler({ eventName: 'stock.*', groupId: STOCK_GROUP, schema, fromBeginning: true })
    adjust(event: { sku: string; qty: number }, context: EventContext): void {
      adjusted.push({ ...event, replayCount: context.headers[DeadLetterReplayHeaders.COUNT] });
    }
  }
  return StockHandlers;
}

describe('DeadLetterService.replay of records a schema refused', () => {
  const topic = uniqueName('stock');
  const dlqTopic = uniqueName('dlq');
  const kafka = {
    topics: { stock: topic },
    dlqTopic,
    createTopics: { numPartitions: 1 },
    deadLetter: { replay: true },
  };
  let app: INestApplicationContext | undefined;

  afterAll(async () => {
    await app?.close();
  });

  it('redelivers them to the handler once its schema accepts them; a payload still refused is parked again', async () => {
    // First deploy: a stock adjustment must be positive, so returns (negative) are refused.
    const strict = z.object({ sku: z.string(), qty: z.number().int().positive() });
    app = await startTestApp({ providers: [stockHandlers(strict)], kafka });
    await waitForGroups(app);
    const producer = app.get(KafkaProducerService);
    await producer.send('stock.adjusted', { sku: 'ok-1', qty: 3 });
    await producer.send('stock.adjusted', { sku: 'return-1', qty: -2 });
    await producer.send('stock.adjusted', { sku: 'garbled-1', qty: 'two' });
    const dlq = () => app!.get(DeadLetterService);
    await waitFor(
      async () => (await dlq().list({ group: STOCK_GROUP })).length === 2,
      'return-1 and garbled-1 to be parked',
    );
    expect((await dlq().list({ group: STOCK_GROUP })).map((e) => e.reason)).toEqual([
      'validation',
      'validation',
    ]);
    await untilQuiet(() => adjusted, { expected: 1, what: 'ok-1 handled' });
    await app.close();

    // Second deploy, same group and handler: returns are accepted now; a non-number quantity still is not.
    const relaxed = z.object({ sku: z.string(), qty: z.number().int() });
    app = await startTestApp({ providers: [stockHandlers(relaxed)], kafka });
    await waitForGroups(app);
    const result = await dlq().replay({ group: STOCK_GROUP });
    expect(result).toMatchObject({ matched: 2, replayed: 2, skipped: {} });

    const handled = await untilQuiet(() => adjusted, { expected: 2, what: 'return-1 handled' });
    expect(handled).toEqual([
      { sku: 'ok-1', qty: 3, replayCount: undefined },
      { sku: 'return-1', qty: -2, replayCount: '1' },
    ]);
    await waitFor(
      async () => (await dlq().list({ group: STOCK_GROUP })).length === 3,
      'garbled-1 to be parked again',
    );
    const again = (await dlq().list({ group: STOCK_GROUP }))[2];
    expect(again).toMatchObject({ reason: 'validation', replayCount: 1, handler: 'StockHandlers.adjust' });
    expect(JSON.parse(again.value!)).toMatchObject({ sku: 'garbled-1' });
  });
});

describe('kafka-events dlq replay --dry-run, for a group running without the redelivery route', () => {
  const group = 'replay-it-no-route';
  const topic = uniqueName('ledger');
  const dlqTopic = uniqueName('dlq');
  let app: INestApplicationContext;

  @Injectable()
  class LedgerHandlers {
    @EventHandler({ eventName: 'ledger.*', groupId: group, fromBeginning: true })
    post(): void {
      throw new Error('ledger closed');
    }
  }

  beforeAll(async () => {
    app = await startTestApp({
      providers: [LedgerHandlers],
      kafka: { topics: { ledger: topic }, dlqTopic, deadLetter: { replay: false }, retry: { attempts: 1 } },
    });
    await waitForGroups(app);
  });

  afterAll(async () => {
    await app?.close();
  });

  it('counts what would be replayed and names the missing route; the real run stops there', async () => {
    const producer = app.get(KafkaProducerService);
    await producer.send('ledger.entry.posted', { id: 'l-1' });
    await producer.send('ledger.entry.posted', { id: 'l-2' });
    const dlq = app.get(DeadLetterService);
    await waitFor(async () => (await dlq.list({ group })).length === 2, 'l-1 and l-2 to be parked');
    const route = dlq.redeliveryTopic(group);

    const dry = await kafkaEvents(dlqTopic, ['dlq', 'replay', '--group', group, '--dry-run']);
    expect(dry).toMatchObject({ code: 0, err: '' });
    expect(dry.out).toContain('dry run: would replay 2 of 2 matching');
    expect(dry.out).toContain(`no redelivery topic ${route}`);
    expect(await dlq.replay({ group }, { dryRun: true })).toMatchObject({
      replayed: 2,
      missingRoutes: [route],
    });

    const real = await kafkaEvents(dlqTopic, ['dlq', 'replay', '--group', group]);
    expect(real.code).toBe(1);
    expect(real.err).toContain(`has no redelivery topic ${route}`);
  });
});

describe('an app started as the Quick Start shows (no createTopics, no replay option)', () => {
  const group = 'replay-it-quick-start';
  const topic = uniqueName('crew');
  const dlqTopic = uniqueName('dlq');
  const handled: string[] = [];
  let outage = true;
  let app: INestApplicationContext;

  @Injectable()
  class CrewHandlers {
    @EventHandler({ eventName: 'crew.*', groupId: group, fromBeginning: true })
    assign(event: { id: string }): void {
      if (outage) throw new Error('roster service down');
      handled.push(event.id);
    }
  }

  beforeAll(async () => {
    // The topics exist (made by whoever runs the cluster); the app creates none of its own topics.
    await createTopic(testKafka(), topic);
    await createTopic(testKafka(), dlqTopic);
    app = await startTestApp({
      providers: [CrewHandlers],
      kafka: { topics: { crew: topic }, dlqTopic, createTopics: false, retry: { attempts: 1 } },
    });
    await waitForGroups(app);
  });

  afterAll(async () => {
    await app?.close();
  });

  it('is replayed into during the incident without a restart: its redelivery route is on by default', async () => {
    const status = app.get(KafkaConsumerService).get(group)!;
    expect(status.redelivery).toMatchObject({
      topic: app.get(DeadLetterService).redeliveryTopic(group),
      on: true,
    });

    await app.get(KafkaProducerService).send('crew.shift.assigned', { id: 'c-1' });
    const dlq = app.get(DeadLetterService);
    await waitFor(async () => (await dlq.list({ group })).length === 1, 'c-1 to be parked');

    outage = false; // the roster service is back; the same process, no redeploy
    const run = await kafkaEvents(dlqTopic, ['dlq', 'replay', '--group', group]);
    expect(run).toMatchObject({ code: 0, err: '' });
    expect(run.out).toContain('replayed 1 of 1 matching');
    expect(await untilQuiet(() => handled, { expected: 1, what: 'c-1 handled' })).toEqual(['c-1']);
  });
});
