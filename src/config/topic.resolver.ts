import { UnknownEventDomainError } from '../errors/unknown-event-domain.error';
import { unknownDomain } from '../kafka.messages';

/** The domain of an event is its first dot-separated segment: `projects.service_order.created` -> `projects`. */
export function eventDomain(eventName: string): string {
  const dot = eventName.indexOf('.');
  return dot === -1 ? eventName : eventName.slice(0, dot);
}

/** Domain to topic lookups, built once from the resolved mapping. */
export class TopicResolver {
  private readonly byDomain: ReadonlyMap<string, string>;

  constructor(mapping: Record<string, string>) {
    this.byDomain = new Map(Object.entries(mapping));
  }

  get domains(): string[] {
    return [...this.byDomain.keys()];
  }

  get allTopics(): string[] {
    return [...new Set(this.byDomain.values())];
  }

  /** The topic of a concrete event name, or undefined for an unmapped domain. */
  topicForDomainOf(eventName: string): string | undefined {
    return this.byDomain.get(eventDomain(eventName).toLowerCase());
  }

  /** For send(): the mapped topic, or UnknownEventDomainError listing the known domains. */
  topicForEvent(eventName: string): string {
    const topic = this.topicForDomainOf(eventName);
    if (topic) return topic;
    const domain = eventDomain(eventName);
    throw new UnknownEventDomainError(
      eventName,
      domain,
      this.domains,
      unknownDomain(eventName, domain, this.domains),
    );
  }
}
