import { Logger } from '@nestjs/common';
import { handlerDefinition, HandlerDefinitionOverrides } from '../../test/support/handler-definition';
import { EventParseError } from '../errors/event-parse.error';
import { NonRetryableError } from '../errors/non-retryable.error';
import type { DeadLetterFailure, DeadLetterSink } from '../interfaces/dead-letter.interface';
import type { EventContext } from '../interfaces/event-context.interface';
import type { ConsumedRecord, RecordHeaders } from '../interfaces/kafka-record.interface';
import type { PartitionLease } from '../interfaces/partition-lease.interface';
import { EventHeaders } from '../kafka.constants';
import type { ConsumerGroupDefinition, EventHandlerDefinition } from '../routing/event-handler.definition';
import { EventDispatcher, LeasedPartition } from './event-dispatcher';

const TOPIC = 'orders';
const PARTITION = 3;
const GROUP = 'billing';
const HEARTBEAT_INTERVAL_MS = 3000;

type Invoke = jest.Mock<unknown, [unknown, EventContext]>;

/** A handler method as a mock, so its calls can be read back. */
const mockHandler = (impl: (event: unknown, context: EventContext) => unknown = () => undefined): Invoke =>
  jest.fn(impl);

/** A handler as the explorer resolves it at bootstrap. */
function handlerOf(
  id: string,
  eventName: string,
  invoke: Invoke,
  overrides: HandlerDefinitionOverrides = {},
): EventHandlerDefinition {
  return handlerDefinition(invoke, {
    id,
    eventName,
    topics: new Set([TOPIC]),
    groupId: GROUP,
    retry: { attempts: 3, backoff: { initialMs: 10, jitter: false } },
    ...overrides,
  });
}

function groupOf(...handlers: EventHandlerDefinition[]): ConsumerGroupDefinition {
  return {
    groupId: GROUP,
    topics: [...new Set(handlers.flatMap((h) => [...h.topics]))],
    fromBeginning: false,
    autoCommit: true,
    keyConcurrency: 1,
    handlers,
  };
}

interface ParkCall {
  record: ConsumedRecord;
  failures: readonly DeadLetterFailure[];
  lease: PartitionLease;
}

/** A DLQ recording what it was asked to park; `written: false` is a lease that ended before the write. */
function fakeSink(written = true): DeadLetterSink & { calls: ParkCall[] } {
  const calls: ParkCall[] = [];
  return {
    calls,
    park: async (record, failures, lease) => {
      calls.push({ record, failures, lease });
      return written;
    },
  };
}

/** A lease whose waits end at once: held (true) or lost (false). */
function fakeLease(holds = true): LeasedPartition & { waits: number[] } {
  const waits: number[] = [];
  return {
    topic: TOPIC,
    partition: PARTITION,
    active: holds,
    heartbeat: async () => undefined,
    wait: async (ms) => {
      waits.push(ms);
      return holds;
    },
    waits,
  };
}

const json = (body: unknown): Buffer => Buffer.from(JSON.stringify(body));

function recordOf(value: Buffer | null, headers: RecordHeaders | undefined): ConsumedRecord {
  return { key: Buffer.from('order-17'), value, headers, offset: '42', timestamp: '1700000000000' };
}

const named = (eventName: string, more: RecordHeaders = {}): RecordHeaders => ({
  [EventHeaders.EVENT_NAME]: Buffer.from(eventName),
  ...more,
});

function setup(handlers: EventHandlerDefinition[], sink = fakeSink()) {
  return { dispatcher: new EventDispatcher(groupOf(...handlers), sink, HEARTBEAT_INTERVAL_MS), sink };
}

describe('EventDispatcher', () => {
  it('hands a record named by its header to the matching handler once, with the parsed body and its context', async () => {
    const invoke = mockHandler();
    const { dispatcher, sink } = setup([handlerOf('Billing.onOrderCreated', 'order.created', invoke)]);
    const body = { orderId: 17, total: 99.5 };
    const record = recordOf(
      json(body),
      named('order.created', {
        [EventHeaders.EVENT_ID]: 'evt-1',
        [EventHeaders.CORRELATION_ID]: Buffer.from('corr-1'),
        tenant: [Buffer.from('old'), Buffer.from('acme')],
      }),
    );

    await expect(dispatcher.dispatch(fakeLease(), record)).resolves.toBe('handled');

    expect(invoke).toHaveBeenCalledTimes(1);
    const [event, context] = invoke.mock.calls[0];
    expect(event).toEqual(body);
    expect(context).toMatchObject({
      topic: TOPIC,
      partition: PARTITION,
      offset: record.offset,
      key: 'order-17',
      timestamp: record.timestamp,
      eventName: 'order.created',
      groupId: GROUP,
      handler: 'Billing.onOrderCreated',
      attempt: 1,
    });
    expect(context.headers).toEqual({
      [EventHeaders.EVENT_NAME]: 'order.created',
      [EventHeaders.EVENT_ID]: 'evt-1',
      [EventHeaders.CORRELATION_ID]: 'corr-1',
      tenant: 'acme',
    });
    expect(dispatcher.counters).toEqual({ handled: 1, skipped: 0, parked: 0 });
    expect(sink.calls).toEqual([]);
  });

  it.each(['eventName', 'event_name', 'type'])(
    'takes the event name from the body field %s when the event-name header is absent',
    async (field) => {
      const invoke = mockHandler();
      const { dispatcher } = setup([handlerOf('Billing.onOrderCreated', 'order.created', invoke)]);
      const body = { [field]: 'order.created', orderId: 17 };

      await expect(dispatcher.dispatch(fakeLease(), recordOf(json(body), undefined))).resolves.toBe(
        'handled',
      );

      expect(invoke).toHaveBeenCalledTimes(1);
      expect(invoke.mock.calls[0][0]).toEqual(body);
      expect(invoke.mock.calls[0][1].eventName).toBe('order.created');
    },
  );

  it('skips a record no handler of the group wants: nothing parked, no handler called', async () => {
    const invoke = mockHandler();
    const { dispatcher, sink } = setup([handlerOf('Billing.onOrderCreated', 'order.created', invoke)]);

    const outcome = await dispatcher.dispatch(fakeLease(), recordOf(json({}), named('invoice.sent')));

    expect(outcome).toBe('skipped');
    expect(invoke).not.toHaveBeenCalled();
    expect(sink.calls).toEqual([]);
    expect(dispatcher.counters).toEqual({ handled: 0, skipped: 1, parked: 0 });
  });

  it('logs the first skip of each event name and topic at debug level, and counts every skip', async () => {
    const debug = jest.spyOn(Logger.prototype, 'debug').mockImplementation(() => undefined);
    const { dispatcher } = setup([handlerOf('Billing.onOrderCreated', 'order.created', mockHandler())]);

    for (const name of ['invoice.sent', 'invoice.sent', 'Invoice.Paid'])
      await dispatcher.dispatch(fakeLease(), recordOf(json({}), named(name)));

    expect(dispatcher.counters.skipped).toBe(3);
    expect(debug.mock.calls.map(([line]) => String(line))).toEqual([
      expect.stringMatching(/^Skipping "invoice\.sent" on .*Billing\.onOrderCreated: order\.created/),
      expect.stringMatching(/^Skipping "Invoice\.Paid"/),
    ]);
    debug.mockRestore();
  });

  it('skips a record whose event matches a handler that does not subscribe to its topic', async () => {
    const invoke = mockHandler();
    const elsewhere = handlerOf('Billing.onOrderCreated', 'order.*', invoke, {
      topics: new Set(['orders-eu']),
    });
    const { dispatcher, sink } = setup([elsewhere]);

    const outcome = await dispatcher.dispatch(fakeLease(), recordOf(json({}), named('order.created')));

    expect(outcome).toBe('skipped');
    expect(invoke).not.toHaveBeenCalled();
    expect(sink.calls).toEqual([]);
  });

  it.each([
    {
      reason: 'invalid-json',
      record: recordOf(Buffer.from('{"orderId": 17'), named('order.created')),
      eventName: 'order.created',
      handler: 'Billing.onOrderCreated',
    },
    {
      reason: 'empty-value',
      record: recordOf(Buffer.alloc(0), named('order.created')),
      eventName: 'order.created',
      handler: 'Billing.onOrderCreated',
    },
    {
      // Not routed to any handler: the failure names none.
      reason: 'missing-event-name',
      record: recordOf(json({ orderId: 17 }), undefined),
      eventName: undefined,
      handler: '',
    },
  ])(
    'parks a record with $reason once, without calling a handler',
    async ({ reason, record, ...expected }) => {
      const invoke = mockHandler();
      const { dispatcher, sink } = setup([handlerOf('Billing.onOrderCreated', 'order.created', invoke)]);
      const lease = fakeLease();

      await expect(dispatcher.dispatch(lease, record)).resolves.toBe('parked');

      expect(invoke).not.toHaveBeenCalled();
      expect(sink.calls).toHaveLength(1);
      const [call] = sink.calls;
      expect(call.record).toBe(record);
      expect(call.lease).toBe(lease);
      expect(call.failures).toHaveLength(1);
      expect(call.failures[0]).toMatchObject({
        topic: TOPIC,
        partition: PARTITION,
        offset: record.offset,
        timestamp: record.timestamp,
        groupId: GROUP,
        reason,
        attempts: 1,
        ...expected,
      });
      expect(call.failures[0].error).toBeInstanceOf(EventParseError);
      expect(dispatcher.counters).toEqual({ handled: 0, skipped: 0, parked: 1 });
    },
  );

  it('fans a record out to every matching handler, and parks only the one that failed, naming it', async () => {
    const body = { orderId: 17 };
    const rejected = new NonRetryableError('order 17 has no customer');
    const audit = mockHandler(async () => undefined);
    const invoice = mockHandler(() => {
      // A retryable failure first, so the parked attempts are the handler's own count.
      if (invoice.mock.calls.length === 1) throw new Error('database busy');
      throw rejected;
    });
    const { dispatcher, sink } = setup([
      handlerOf('Audit.onAnyOrder', 'order.*', audit),
      handlerOf('Billing.onOrderCreated', 'order.created', invoice),
    ]);
    const record = recordOf(json(body), named('order.created'));

    await expect(dispatcher.dispatch(fakeLease(), record)).resolves.toBe('parked');

    expect(audit).toHaveBeenCalledTimes(1);
    expect(audit.mock.calls[0][0]).toEqual(body);
    expect(sink.calls).toHaveLength(1);
    expect(sink.calls[0].failures).toHaveLength(1);
    expect(sink.calls[0].failures[0]).toMatchObject({
      reason: 'handler-error',
      handler: 'Billing.onOrderCreated',
      eventName: 'order.created',
      attempts: invoice.mock.calls.length,
      error: rejected,
      offset: record.offset,
    });
    expect(invoice.mock.calls.length).toBeGreaterThan(1);
    expect(dispatcher.counters).toEqual({ handled: 0, skipped: 0, parked: 1 });
  });

  it('gives each handler of a shared record its own copy of the headers', async () => {
    const seen: Record<string, string>[] = [];
    const first = mockHandler((_event, context) => {
      context.headers[EventHeaders.CORRELATION_ID] = 'edited';
      context.headers['x-added'] = 'by the first handler';
    });
    const second = mockHandler((_event, context) => void seen.push({ ...context.headers }));
    const { dispatcher } = setup([
      handlerOf('Audit.onAnyOrder', 'order.*', first),
      handlerOf('Billing.onOrderCreated', 'order.created', second),
    ]);
    const headers = named('order.created', { [EventHeaders.CORRELATION_ID]: 'corr-1' });

    await expect(dispatcher.dispatch(fakeLease(), recordOf(json({}), headers))).resolves.toBe('handled');

    expect(first).toHaveBeenCalledTimes(1);
    expect(seen).toEqual([
      { [EventHeaders.EVENT_NAME]: 'order.created', [EventHeaders.CORRELATION_ID]: 'corr-1' },
    ]);
  });

  it("parks with the record's correlation-id header even when the handler edited its headers", async () => {
    const invoke = mockHandler((_event, context) => {
      context.headers[EventHeaders.CORRELATION_ID] = 'edited';
      throw new NonRetryableError('rejected');
    });
    const { dispatcher, sink } = setup([handlerOf('Billing.onOrderCreated', 'order.created', invoke)]);
    const headers = named('order.created', { [EventHeaders.CORRELATION_ID]: Buffer.from('corr-1') });

    await dispatcher.dispatch(fakeLease(), recordOf(json({ correlationId: 'from-body' }), headers));

    expect(sink.calls[0].failures[0].correlationId).toBe('corr-1');
  });

  it.each(['correlationId', 'correlation_id'])(
    'parks with the body field %s as correlation id when the record has no correlation-id header',
    async (field) => {
      const invoke = mockHandler(() => {
        throw new NonRetryableError('rejected');
      });
      const { dispatcher, sink } = setup([handlerOf('Billing.onOrderCreated', 'order.created', invoke)]);
      const record = recordOf(json({ [field]: 'corr-body' }), named('order.created'));

      await dispatcher.dispatch(fakeLease(), record);

      expect(sink.calls[0].failures[0].correlationId).toBe('corr-body');
    },
  );

  it('parks with the body correlation id when the correlation-id header is empty, as the handler sees it', async () => {
    const invoke = mockHandler(() => {
      throw new NonRetryableError('rejected');
    });
    const { dispatcher, sink } = setup([handlerOf('Billing.onOrderCreated', 'order.created', invoke)]);
    const headers = named('order.created', { [EventHeaders.CORRELATION_ID]: '' });

    await dispatcher.dispatch(fakeLease(), recordOf(json({ correlationId: 'corr-body' }), headers));

    expect(sink.calls[0].failures[0].correlationId).toBe('corr-body');
  });

  it('abandons the record when the DLQ could not be written before the lease ended, counting nothing as parked', async () => {
    const invoke = mockHandler(() => {
      throw new NonRetryableError('rejected');
    });
    const { dispatcher, sink } = setup(
      [handlerOf('Billing.onOrderCreated', 'order.created', invoke)],
      fakeSink(false),
    );

    const outcome = await dispatcher.dispatch(fakeLease(), recordOf(json({}), named('order.created')));

    expect(outcome).toBe('abandoned');
    expect(sink.calls).toHaveLength(1);
    expect(dispatcher.counters).toEqual({ handled: 0, skipped: 0, parked: 0 });
  });

  it('abandons the record without parking it when the lease is lost during a retry backoff', async () => {
    const invoke = mockHandler(() => {
      throw new Error('database busy');
    });
    const { dispatcher, sink } = setup([handlerOf('Billing.onOrderCreated', 'order.created', invoke)]);
    const lease = fakeLease(false);

    const outcome = await dispatcher.dispatch(lease, recordOf(json({}), named('order.created')));

    expect(outcome).toBe('abandoned');
    expect(lease.waits).toHaveLength(invoke.mock.calls.length);
    expect(sink.calls).toEqual([]);
    expect(dispatcher.counters).toEqual({ handled: 0, skipped: 0, parked: 0 });
  });
});
