import { UnknownEventDomainError } from '../errors/unknown-event-domain.error';
import { DEFAULT_TOPIC_MAP } from '../kafka.constants';
import { eventDomain, TopicResolver } from './topic.resolver';

describe('eventDomain', () => {
  it('is the first dot-separated segment of the event name', () => {
    expect(eventDomain('projects.service_order.created')).toBe('projects');
    expect(eventDomain('billing.paid')).toBe('billing');
  });

  it('is the whole name when the name has no dot', () => {
    expect(eventDomain('heartbeat')).toBe('heartbeat');
  });
});

describe('TopicResolver', () => {
  const resolver = new TopicResolver({ ...DEFAULT_TOPIC_MAP, audit: 'fsm.projects' });

  it('sends an event to the topic mapped to its domain', () => {
    expect(resolver.topicForEvent('projects.service_order.created')).toBe('fsm.projects');
    expect(resolver.topicForEvent('contracts.signed')).toBe('fsm.contracts');
  });

  it('finds the domain whatever the case of the event name', () => {
    expect(resolver.topicForEvent('Projects.created')).toBe('fsm.projects');
  });

  it('lists each mapped topic once', () => {
    expect(resolver.allTopics.sort()).toEqual([
      'fsm.assignments',
      'fsm.contracts',
      'fsm.execution',
      'fsm.projects',
      'fsm.scheduling',
    ]);
  });

  it('has no topic for an unmapped domain when only looking it up', () => {
    expect(resolver.topicForDomainOf('billing.paid')).toBeUndefined();
  });

  it('rejects an unmapped domain, listing the known domains and the variable to set', () => {
    let thrown: unknown;
    try {
      resolver.topicForEvent('billing.invoice.paid');
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
    expect(error.message).toContain('billing.invoice.paid');
    expect(error.message).toContain('KAFKA_BILLING_TOPIC');
    for (const domain of error.knownDomains) expect(error.message).toContain(domain);
  });

  it('names a valid variable for a domain with characters a variable cannot hold', () => {
    expect(() => resolver.topicForEvent('service-order.created')).toThrow('KAFKA_SERVICE_ORDER_TOPIC');
  });
});
