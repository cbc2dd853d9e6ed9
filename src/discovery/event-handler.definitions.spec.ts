import { DEFAULT_RETRY } from '../config/retry-policy';
import { EventHandlerDefinitionError } from '../errors/event-handler-definition.error';
import { KafkaConfigError } from '../errors/kafka-config.error';
import { NonRetryableError } from '../errors/non-retryable.error';
import type { EventHandlerOptions } from '../interfaces/event-handler-options.interface';
import { buildConsumerGroups, defineEventHandler, HandlerDefaults } from './event-handler.definitions';

const defaults: HandlerDefaults = {
  clientId: 'dispatch-app',
  consumer: { sessionTimeout: 30_000, heartbeatInterval: 3000, concurrency: 1, keyConcurrency: 4 },
  retry: { ...DEFAULT_RETRY, attempts: 5 },
  handlerTimeoutMs: 60_000,
  nonRetryable: undefined,
};
const invoke = () => undefined;
const derived = (_handler: string, eventName: string) => [`fsm.${eventName.split('.')[0]}`];
const define = (id: string, options: EventHandlerOptions, base: HandlerDefaults = defaults) =>
  defineEventHandler(id, options, invoke, base, derived);

describe('defineEventHandler', () => {
  it("fills what a handler leaves out from the module's options and the reference's defaults", () => {
    const handler = define('Orders.onCreated', { eventName: 'order.created' });
    expect(handler).toMatchObject({
      id: 'Orders.onCreated',
      groupId: 'dispatch-app.Orders.onCreated',
      fromBeginning: false,
      autoCommit: true,
      keyConcurrency: 4,
      timeoutMs: 60_000,
      retry: { attempts: 5 },
    });
    expect([...handler.topics]).toEqual(['fsm.order']);
    expect(handler.pattern.matches('order.created')).toBe(true);
    expect(handler.invoke).toBe(invoke);
  });

  it("lets a handler's own options win, field by field", () => {
    const handler = define('Billing.onPaid', {
      eventName: 'billing.*',
      topics: ['payments'],
      groupId: 'billing-workers',
      fromBeginning: true,
      autoCommit: false,
      keyConcurrency: 2,
      timeoutMs: 0,
      retry: { backoff: { initialMs: 50 } },
    });
    expect([...handler.topics]).toEqual(['payments']);
    expect(handler).toMatchObject({
      groupId: 'billing-workers',
      fromBeginning: true,
      autoCommit: false,
      keyConcurrency: 2,
      timeoutMs: 0,
      retry: { attempts: 5, initialMs: 50 },
    });
  });

  it('derives topics when `topics` is empty, as when it is missing', () => {
    expect([...define('Jobs.any', { eventName: 'jobs.*', topics: [] }).topics]).toEqual(['fsm.jobs']);
  });

  it("combines the module's and the handler's non-retryable errors with the defaults", () => {
    class Declined extends Error {}
    class Gone extends Error {}
    const handler = define(
      'Billing.charge',
      { eventName: 'billing.charge', nonRetryable: [Declined] },
      { ...defaults, nonRetryable: [Gone] },
    );
    expect(handler.isNonRetryable(new Declined())).toBe(true);
    expect(handler.isNonRetryable(new Gone())).toBe(true);
    expect(handler.isNonRetryable(new NonRetryableError('no'))).toBe(true);
    expect(handler.isNonRetryable(new Error('flaky'))).toBe(false);
  });

  it.each([
    ['keyConcurrency', { keyConcurrency: 0 }, 'keyConcurrency'],
    ['timeoutMs', { timeoutMs: -1 }, 'timeoutMs'],
    ['retry', { retry: { attempts: 0 } }, 'retry.attempts'],
  ])('refuses an invalid %s, naming the handler', (_option, invalid, setting) => {
    expect(() => define('Orders.onCreated', { eventName: 'order.created', ...invalid })).toThrow(
      new RegExp(`@EventHandler Orders\\.onCreated ${setting.replace('.', '\\.')}`),
    );
    expect(() => define('Orders.onCreated', { eventName: 'order.created', ...invalid })).toThrow(
      KafkaConfigError,
    );
  });

  it('refuses a handler without an eventName, naming it', () => {
    expect(() => define('Orders.broken', {} as EventHandlerOptions)).toThrow(EventHandlerDefinitionError);
    expect(() => define('Orders.broken', {} as EventHandlerOptions)).toThrow(
      /Orders\.broken needs an eventName/,
    );
  });
});

describe('buildConsumerGroups', () => {
  it('puts handlers of one groupId in one group subscribed to the union of their topics, in order', () => {
    const groups = buildConsumerGroups([
      define('A.one', { eventName: 'order.created', groupId: 'shared' }),
      define('B.two', { eventName: 'billing.paid' }),
      define('A.three', { eventName: 'assignments.*', groupId: 'shared' }),
    ]);
    expect(groups.map((g) => [g.groupId, g.handlers.map((h) => h.id), g.topics])).toEqual([
      ['shared', ['A.one', 'A.three'], ['fsm.assignments', 'fsm.order']],
      ['dispatch-app.B.two', ['B.two'], ['fsm.billing']],
    ]);
  });

  it.each([
    ['fromBeginning', { fromBeginning: true }],
    ['autoCommit', { autoCommit: false }],
    ['keyConcurrency', { keyConcurrency: 8 }],
  ])('refuses handlers of one group that disagree on %s, naming both', (option, differing) => {
    const build = () =>
      buildConsumerGroups([
        define('A.one', { eventName: 'order.created', groupId: 'shared' }),
        define('B.two', { eventName: 'order.updated', groupId: 'shared', ...differing }),
      ]);
    expect(build).toThrow(EventHandlerDefinitionError);
    expect(build).toThrow(new RegExp(`different ${option}.*A\\.one.*B\\.two`));
  });
});
