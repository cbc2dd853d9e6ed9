import { Logger } from '@nestjs/common';
import { configError } from '../../test/support/config-error';
import { EventHandlerDefinitionError } from '../errors/event-handler-definition.error';
import { EventDomainMissingError } from '../errors/event-domain-missing.error';
import { InvalidEventError } from '../errors/invalid-event.error';
import { UnknownEventDomainError } from '../errors/unknown-event-domain.error';
import { compileEventPattern } from '../routing/event-pattern';
import { KafkaModuleOptions } from './kafka-module-options.interface';
import { resolveKafkaOptions } from './kafka-options.resolver';
import { eventDomain, topicOfDomain, TopicResolver } from './topic.resolver';

/** A resolver as the module builds it: options resolved over the given environment. */
const resolverFor = (options: KafkaModuleOptions = {}, env: NodeJS.ProcessEnv = {}) =>
  new TopicResolver(resolveKafkaOptions(options, env));

/** Runs `run`, expecting it to throw an EventHandlerDefinitionError, and returns it. */
function definitionError(run: () => unknown): EventHandlerDefinitionError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(EventHandlerDefinitionError);
    return error as EventHandlerDefinitionError;
  }
  throw new Error('expected an EventHandlerDefinitionError');
}

const FSM_TOPICS = ['fsm.assignments', 'fsm.contracts', 'fsm.execution', 'fsm.projects', 'fsm.scheduling'];

let log: jest.SpyInstance;
let warn: jest.SpyInstance;
beforeEach(() => {
  log = jest.spyOn(Logger.prototype, 'log').mockImplementation(() => undefined);
  warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
});
afterEach(() => jest.restoreAllMocks());

describe('eventDomain', () => {
  it('is the first dot-separated segment of the event name', () => {
    expect(eventDomain('projects.service_order.created')).toBe('projects');
    expect(eventDomain('billing.paid')).toBe('billing');
  });

  it('is the whole name when the name has no dot', () => {
    expect(eventDomain('heartbeat')).toBe('heartbeat');
  });
});

describe('topicOfDomain', () => {
  const rule = {
    topics: { projects: 'fsm.projects', billing: 'acme.billing' },
    topicPrefix: 'fsm.',
    strictTopics: false,
  };

  it('is the mapped topic of a mapped domain, whatever the case of the domain', () => {
    expect(topicOfDomain('projects', rule)).toEqual({ topic: 'fsm.projects', derived: false });
    expect(topicOfDomain('Billing', rule)).toEqual({ topic: 'acme.billing', derived: false });
  });

  it('derives <prefix><domain>, lower-cased, for an unmapped domain', () => {
    expect(topicOfDomain('order', rule)).toEqual({ topic: 'fsm.order', derived: true });
    expect(topicOfDomain('Order', rule)).toEqual({ topic: 'fsm.order', derived: true });
  });

  it('uses the configured prefix, including none', () => {
    expect(topicOfDomain('order', { ...rule, topicPrefix: 'acme-' })?.topic).toBe('acme-order');
    expect(topicOfDomain('order', { ...rule, topicPrefix: '' })?.topic).toBe('order');
  });

  it('has no topic for an unmapped domain in strict mode, and still the mapped one for a mapped domain', () => {
    expect(topicOfDomain('order', { ...rule, strictTopics: true })).toBeUndefined();
    expect(topicOfDomain('projects', { ...rule, strictTopics: true })?.topic).toBe('fsm.projects');
  });

  it('does not take what Object.prototype holds for a mapping', () => {
    expect(topicOfDomain('constructor', rule)).toEqual({ topic: 'fsm.constructor', derived: true });
  });
});

describe('TopicResolver', () => {
  describe('send() without options.topic', () => {
    const resolver = resolverFor({ topics: { audit: 'fsm.projects' } });

    it('sends an event to the topic mapped to its domain', () => {
      expect(resolver.topicForEvent('projects.service_order.created')).toBe('fsm.projects');
      expect(resolver.topicForEvent('contracts.signed')).toBe('fsm.contracts');
      expect(resolver.topicForEvent('Projects.created')).toBe('fsm.projects');
    });

    it('refuses an event name with no domain, saying how to name it and how its topic is found', () => {
      expect(() => resolver.topicForEvent('created')).toThrow(EventDomainMissingError);
      expect(() => resolver.topicForEvent('created')).toThrow(InvalidEventError);
      expect(() => resolver.topicForEvent('created')).toThrow(
        /"created" has no domain: name events <domain>\.<action> .*else "fsm\.<domain>" \(orders\.created -> fsm\.orders\)/,
      );
    });

    it.each([
      ['Orders.Created', 'orders.*'],
      ['orders.created', 'Orders.Created'],
      ['PROJECTS.Order.Created', 'projects.order.created'],
    ])(
      'sends %s to a topic of the handler of %s, whose pattern matches it (one rule for case)',
      (name, pattern) => {
        const topics = resolverFor();
        const handlerTopics = topics.topicsForHandler('Orders.handle', pattern);
        expect(handlerTopics).toContain(topics.topicForEvent(name));
        expect(compileEventPattern(pattern).matches(name)).toBe(true);
      },
    );

    it('sends an event of an unmapped domain to fsm.<domain>', () => {
      expect(resolver.topicForEvent('order.created')).toBe('fsm.order');
      expect(resolver.topicForEvent('test.event')).toBe('fsm.test');
    });

    it('sends to the prefix given by KAFKA_TOPIC_PREFIX, or by topicPrefix over it', () => {
      expect(resolverFor({}, { KAFKA_TOPIC_PREFIX: 'acme.' }).topicForEvent('order.created')).toBe(
        'acme.order',
      );
      expect(resolverFor({}, { KAFKA_TOPIC_PREFIX: '' }).topicForEvent('order.created')).toBe('order');
      expect(
        resolverFor({ topicPrefix: 'opt-' }, { KAFKA_TOPIC_PREFIX: 'acme.' }).topicForEvent('order.created'),
      ).toBe('opt-order');
    });

    it('rejects a derived name Kafka would refuse, naming the variable that maps the domain', () => {
      const longDomain = 'd'.repeat(246);
      const error = configError(() => resolver.topicForEvent(`${longDomain}.created`));
      expect(error.setting).toBe(`KAFKA_${longDomain.toUpperCase()}_TOPIC`);
      expect(error.message).toContain('KAFKA_TOPIC_PREFIX');
    });

    it('in strict mode, rejects an unmapped domain, listing the known domains and the variable to set', () => {
      const strict = resolverFor({ topics: { audit: 'fsm.projects' } }, { KAFKA_STRICT_TOPICS: 'true' });
      let thrown: unknown;
      try {
        strict.topicForEvent('billing.invoice.paid');
      } catch (error) {
        thrown = error;
      }
      expect(thrown).toBeInstanceOf(UnknownEventDomainError);
      const error = thrown as UnknownEventDomainError;
      expect(error.eventName).toBe('billing.invoice.paid');
      expect(error.domain).toBe('billing');
      expect(error.knownDomains).toEqual([
        'projects',
        'assignments',
        'scheduling',
        'execution',
        'contracts',
        'audit',
      ]);
      expect(error.message).toContain('KAFKA_BILLING_TOPIC');
      expect(error.message).toContain('KAFKA_STRICT_TOPICS');
      for (const domain of error.knownDomains) expect(error.message).toContain(domain);
      expect(() => strict.topicForEvent('service-order.created')).toThrow('KAFKA_SERVICE_ORDER_TOPIC');
    });
  });

  describe('a handler without topics', () => {
    it('listens to its domain topic: mapped, else derived, the same topic send() uses', () => {
      const resolver = resolverFor({ topics: { billing: 'acme.billing' } });
      expect(resolver.topicsForHandler('H.projects', 'projects.*')).toEqual(['fsm.projects']);
      expect(resolver.topicsForHandler('H.billing', 'billing.paid')).toEqual(['acme.billing']);
      expect(resolver.topicsForHandler('H.orders', 'order.*')).toEqual(['fsm.order']);
      expect(resolver.topicsForHandler('H.created', 'order.created')).toEqual([
        resolver.topicForEvent('order.created'),
      ]);
    });

    it('logs a derived topic once per domain, however many handlers and sends derive it', () => {
      const resolver = resolverFor();
      resolver.topicsForHandler('A.created', 'order.created');
      resolver.topicsForHandler('A.any', 'Order.*');
      resolver.topicForEvent('order.updated');
      resolver.topicForEvent('test.event');
      resolver.topicForEvent('test.event');
      expect(log.mock.calls.map(([message]) => message)).toEqual([
        'Event domain "order" has no topic mapping; using "fsm.order" (set KAFKA_ORDER_TOPIC or topics.order to choose another)',
        'Event domain "test" has no topic mapping; using "fsm.test" (set KAFKA_TEST_TOPIC or topics.test to choose another)',
      ]);
    });

    it('does not log mapped topics', () => {
      resolverFor().topicsForHandler('A.projects', 'projects.created');
      expect(log).not.toHaveBeenCalled();
    });

    it('listens to every mapped topic when its pattern starts with a wildcard', () => {
      const resolver = resolverFor({ topics: { billing: 'acme.billing' } });
      expect(resolver.topicsForHandler('H.status', '*.status_changed').sort()).toEqual(
        ['acme.billing', ...FSM_TOPICS].sort(),
      );
      expect(resolver.topicsForHandler('H.all', '*').sort()).toEqual(['acme.billing', ...FSM_TOPICS].sort());
    });

    it('with defaultTopics false, a leading wildcard listens to the app own mapping only', () => {
      const fromEnv = resolverFor({}, { KAFKA_DEFAULT_TOPICS: 'false', KAFKA_ORDER_TOPIC: 'shop.orders' });
      expect(fromEnv.topicsForHandler('H.status', '*.status_changed')).toEqual(['shop.orders']);
      const fromOption = resolverFor({ defaultTopics: false, topics: { billing: 'acme.billing' } });
      expect(fromOption.topicsForHandler('H.all', '*')).toEqual(['acme.billing']);
    });

    it('with defaultTopics false, derives the topic of a built-in domain like any other', () => {
      const resolver = resolverFor({ defaultTopics: false });
      expect(resolver.topicsForHandler('H.projects', 'projects.*')).toEqual(['fsm.projects']);
      expect(resolver.topicForEvent('contracts.signed')).toBe('fsm.contracts');
    });

    it('fails a leading wildcard with an empty mapping, naming the handler and what to set', () => {
      const resolver = resolverFor({ defaultTopics: false });
      const error = definitionError(() =>
        resolver.topicsForHandler('Audit.statusChanges', '*.status_changed'),
      );
      expect(error.handler).toBe('Audit.statusChanges');
      expect(error.message).toContain('Audit.statusChanges');
      expect(error.message).toContain('KAFKA_DEFAULT_TOPICS=false');
      expect(error.message).toContain('topics: [...]');
      expect(error.message).toContain('KAFKA_<DOMAIN>_TOPIC');
    });

    it('in strict mode, fails an unmapped domain naming the handler and the variable to set', () => {
      const resolver = resolverFor({ strictTopics: true });
      const error = definitionError(() => resolver.topicsForHandler('Orders.handleCreated', 'order.created'));
      expect(error.handler).toBe('Orders.handleCreated');
      expect(error.message).toContain('KAFKA_ORDER_TOPIC');
      expect(error.message).toContain('strictTopics');
      expect(resolver.topicsForHandler('Orders.projects', 'projects.created')).toEqual(['fsm.projects']);
    });

    it('fails a derived name Kafka would refuse, naming the handler and the prefix', () => {
      const error = definitionError(() => resolverFor().topicsForHandler('Odd.handler', 'order$.created'));
      expect(error.message).toContain('Odd.handler');
      expect(error.message).toContain('"fsm.order$"');
      expect(error.message).toContain('KAFKA_TOPIC_PREFIX');
    });

    describe('with Kafka disabled', () => {
      it.each([
        ['strict mode and an unmapped domain', { strictTopics: true }, 'order.created'],
        ['a leading wildcard and an empty mapping', { defaultTopics: false }, '*.status_changed'],
        ['an illegal derived name', {}, 'order$.created'],
      ])(
        'warns instead of failing startup for %s, and the handler listens to nothing',
        (_, options, pattern) => {
          const resolver = resolverFor({ ...options, enabled: false });
          expect(resolver.topicsForHandler('Orders.handle', pattern)).toEqual([]);
          expect(warn).toHaveBeenCalledTimes(1);
          expect(warn.mock.calls[0][0]).toContain('Orders.handle');
          expect(warn.mock.calls[0][0]).toContain('KAFKA_ENABLED=false');
        },
      );

      it('still derives and logs topics as when enabled', () => {
        expect(resolverFor({ enabled: false }).topicsForHandler('H.orders', 'order.*')).toEqual([
          'fsm.order',
        ]);
        expect(log).toHaveBeenCalledTimes(1);
      });
    });
  });
});
