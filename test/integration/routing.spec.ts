import { INestApplicationContext, Injectable } from '@nestjs/common';
import {
  EventContext,
  EventDomainMissingError,
  EventHandler,
  EventHandlerRegistry,
  KafkaConsumerService,
  KafkaProducerService,
} from '../../src';
import { uniqueName, untilQuiet } from '../support/kafka';
import { startTestApp, waitForGroups } from '../support/kafka-app';

type Seen = { handler: string; eventName: string; topic: string; orderId?: string; groupId: string };
const seen: Seen[] = [];
const record = (handler: string) => (event: { orderId?: string }, context: EventContext) =>
  void seen.push({
    handler,
    eventName: context.eventName,
    topic: context.topic,
    orderId: event.orderId,
    groupId: context.groupId,
  });

@Injectable()
class OrderHandlers {
  @EventHandler({ eventName: 'order.created', fromBeginning: true })
  created(event: { orderId: string }, context: EventContext) {
    record('created')(event, context);
  }

  @EventHandler({ eventName: 'order.*', fromBeginning: true })
  anyOrder(event: { orderId: string }, context: EventContext) {
    record('anyOrder')(event, context);
  }

  @EventHandler({ eventName: '*.status_changed', fromBeginning: true })
  statusChanged(event: { orderId: string }, context: EventContext) {
    record('statusChanged')(event, context);
  }
}

/** Two handlers sharing one explicit group: one consumer, each record fanned out to both. */
@Injectable()
class SharedGroupHandlers {
  static groupId = uniqueName('billing');

  @EventHandler({ eventName: 'order.created', groupId: SharedGroupHandlers.groupId, fromBeginning: true })
  invoice(event: { orderId: string }, context: EventContext) {
    record('invoice')(event, context);
  }

  @EventHandler({ eventName: 'order.*', groupId: SharedGroupHandlers.groupId, fromBeginning: true })
  audit(event: { orderId: string }, context: EventContext) {
    record('audit')(event, context);
  }

  @EventHandler({ eventName: '*', topics: [], groupId: SharedGroupHandlers.groupId, fromBeginning: true })
  everything(event: { orderId: string }, context: EventContext) {
    record('everything')(event, context);
  }
}

describe('routing events to @EventHandler methods', () => {
  let app: INestApplicationContext;
  const clientId = uniqueName('routing');
  const orderTopic = uniqueName('orders');
  const projectTopic = uniqueName('projects');

  beforeAll(async () => {
    app = await startTestApp({
      providers: [OrderHandlers, SharedGroupHandlers],
      kafka: { clientId, topics: { order: orderTopic, projects: projectTopic }, dlqTopic: uniqueName('dlq') },
    });
    await waitForGroups(app);
    const producer = app.get(KafkaProducerService);
    await producer.send('order.created', { orderId: 'o-1' }, { key: 'o-1' });
    await producer.send('order.item.added', { orderId: 'o-1' }, { key: 'o-1' });
    await producer.send('projects.service_order.status_changed', { orderId: 'o-2' }, { key: 'o-2' });
    await producer.send('order.status_changed', { orderId: 'o-3' }, { key: 'o-3' });
    await producer.send('projects.created', { orderId: 'o-4' }, { key: 'o-4' });
  });

  afterAll(async () => {
    await app?.close();
  });

  // The five records fan out to 5 + 3 + 2 + 4 + 1 matching handlers. Read until those arrived and nothing more
  // came, once for every test below.
  const EXPECTED_DELIVERIES = 15;
  let delivered: Promise<Seen[]> | undefined;
  const deliveries = () =>
    (delivered ??= untilQuiet(() => seen, { expected: EXPECTED_DELIVERIES, what: 'deliveries' }));
  const names = async (handler: string) =>
    (await deliveries())
      .filter((s) => s.handler === handler)
      .map((s) => s.eventName)
      .sort();

  it('derives a stable group per handler from client id, class and method', () => {
    const groups = app
      .get(KafkaConsumerService)
      .list()
      .map((g) => g.groupId)
      .sort();
    expect(groups).toEqual(
      [
        `${clientId}.OrderHandlers.created`,
        `${clientId}.OrderHandlers.anyOrder`,
        `${clientId}.OrderHandlers.statusChanged`,
        SharedGroupHandlers.groupId,
      ].sort(),
    );
  });

  it('derives topics from the pattern domain, and every mapped topic for a leading wildcard', () => {
    const registry = app.get(EventHandlerRegistry);
    expect([...registry.getHandler('OrderHandlers.anyOrder')!.topics]).toEqual([orderTopic]);
    const all = [...registry.getHandler('OrderHandlers.statusChanged')!.topics];
    expect(all).toEqual(
      expect.arrayContaining([orderTopic, projectTopic, 'fsm.assignments', 'fsm.contracts']),
    );
  });

  it('runs one consumer per group, subscribed to the union of its handlers topics', () => {
    const shared = app.get(KafkaConsumerService).get(SharedGroupHandlers.groupId)!;
    expect(shared.handlers.map((h) => h.id).sort()).toEqual([
      'SharedGroupHandlers.audit',
      'SharedGroupHandlers.everything',
      'SharedGroupHandlers.invoice',
    ]);
    expect(shared.topics).toEqual(expect.arrayContaining([orderTopic, projectTopic]));
  });

  it('matches an exact name only to itself', async () => {
    expect(await names('created')).toEqual(['order.created']);
  });

  it('matches order.* to every order event, however many segments follow', async () => {
    expect(await names('anyOrder')).toEqual(['order.created', 'order.item.added', 'order.status_changed']);
  });

  it('matches *.status_changed across domains and topics', async () => {
    expect(await names('statusChanged')).toEqual([
      'order.status_changed',
      'projects.service_order.status_changed',
    ]);
  });

  it('fans one record out to every matching handler of a group, and isolates groups from each other', async () => {
    expect(await names('invoice')).toEqual(['order.created']);
    expect(await names('audit')).toEqual(['order.created', 'order.item.added', 'order.status_changed']);
    expect(await names('everything')).toHaveLength(5);
    // Exactly once each: no handler saw a record twice within the quiet window after the last one.
    const all = await deliveries();
    expect(all).toHaveLength(EXPECTED_DELIVERIES);
    // The shared group saw order.created once per handler, independently of the per-handler groups.
    expect(
      all
        .filter((s) => s.eventName === 'order.created')
        .map((s) => s.handler)
        .sort(),
    ).toEqual(['anyOrder', 'audit', 'created', 'everything', 'invoice']);
    expect(new Set(all.filter((s) => s.handler === 'invoice').map((s) => s.groupId))).toEqual(
      new Set([SharedGroupHandlers.groupId]),
    );
  });
});

const caseSeen: { handler: string; eventName: string; topic: string }[] = [];

@Injectable()
class CaseHandlers {
  @EventHandler({ eventName: 'orders.created', fromBeginning: true })
  exact(_event: unknown, context: EventContext) {
    caseSeen.push({ handler: 'exact', eventName: context.eventName, topic: context.topic });
  }

  @EventHandler({ eventName: 'ORDERS.*', fromBeginning: true })
  wildcard(_event: unknown, context: EventContext) {
    caseSeen.push({ handler: 'wildcard', eventName: context.eventName, topic: context.topic });
  }
}

describe('event names and case', () => {
  let app: INestApplicationContext;
  // A prefix of this test's own: the domain "orders" is derived, so its topic is <prefix>orders.
  const topicPrefix = `${uniqueName('case')}.`;

  beforeAll(async () => {
    app = await startTestApp({
      providers: [CaseHandlers],
      kafka: { topicPrefix, dlqTopic: uniqueName('dlq') },
    });
    await waitForGroups(app);
  });

  afterAll(async () => {
    await app?.close();
  });

  it('sends a name with capitals to the lower-cased domain topic, where handlers match it ignoring case', async () => {
    const producer = app.get(KafkaProducerService);
    const sent = await producer.send('Orders.Created', {});
    await producer.send('orders.created', {});
    expect(sent.topic).toBe(`${topicPrefix}orders`);

    const all = await untilQuiet(() => caseSeen, { expected: 4, what: 'deliveries' });
    expect(all.map((s) => [s.handler, s.eventName]).sort()).toEqual([
      ['exact', 'Orders.Created'],
      ['exact', 'orders.created'],
      ['wildcard', 'Orders.Created'],
      ['wildcard', 'orders.created'],
    ]);
    expect(new Set(all.map((s) => s.topic))).toEqual(new Set([`${topicPrefix}orders`]));
  });

  it('refuses an event name with no domain at send and sendBatch, before anything is written', async () => {
    const producer = app.get(KafkaProducerService);
    await expect(producer.send('created', {})).rejects.toThrow(EventDomainMissingError);
    await expect(producer.sendBatch([{ eventName: 'created', payload: {} }])).rejects.toThrow(
      /"created" has no domain: name events <domain>\.<action>/,
    );
  });
});
