import { Inject, Injectable, Logger } from '@nestjs/common';
import { EventDomainMissingError } from '../errors/event-domain-missing.error';
import { EventHandlerDefinitionError } from '../errors/event-handler-definition.error';
import { KafkaConfigError } from '../errors/kafka-config.error';
import { UnknownEventDomainError } from '../errors/unknown-event-domain.error';
import { ResolvedKafkaOptions } from './kafka-module-options.interface';
import { KAFKA_OPTIONS } from '../kafka.constants';
import {
  derivedTopic,
  domainVariable,
  eventNameWithoutDomain,
  illegalDerivedTopic,
  noMappedTopics,
  topicProblemWhileDisabled,
  underivableTopic,
  unknownDomain,
} from '../kafka.messages';
import { isLegalTopicName } from './kafka-names';

/** The domain of an event is its first dot-separated segment: `projects.service_order.created` -> `projects`. */
export function eventDomain(eventName: string): string {
  const dot = eventName.indexOf('.');
  return dot === -1 ? eventName : eventName.slice(0, dot);
}

/** What decides a domain's topic: the resolved mapping, the prefix of derived topics, strict mode. */
type TopicRule = Pick<ResolvedKafkaOptions, 'topics' | 'topicPrefix' | 'strictTopics'>;

/** A domain's topic, and whether it was derived (`<prefix><domain>`) rather than mapped. */
interface DomainTopic {
  topic: string;
  derived: boolean;
}

/**
 * The one rule for a domain's topic, shared by handlers and send() so both always agree: the mapped topic
 * (domains are lower-cased, as the mapping's keys are), else `<topicPrefix><domain>`, else (strictTopics)
 * none. Pure; the derived name is not validated here.
 */
export function topicOfDomain(domain: string, rule: TopicRule): DomainTopic | undefined {
  const key = domain.toLowerCase();
  // hasOwn, not `in` or a plain index: a domain named "constructor" must not find Object.prototype's.
  if (Object.hasOwn(rule.topics, key)) return { topic: rule.topics[key], derived: false };
  if (rule.strictTopics) return undefined;
  return { topic: `${rule.topicPrefix}${key}`, derived: true };
}

/**
 * Domain-to-topic decisions for one app: the explorer asks for a handler's topics, the producer for an
 * event's topic. One instance per module, so a derived topic is logged once per domain however many
 * handlers and sends derive it; derived topics are cached so send() does no work for them after the first.
 */
@Injectable()
export class TopicResolver {
  private readonly logger = new Logger('KafkaTopics');
  private readonly derived = new Map<string, string>();

  constructor(@Inject(KAFKA_OPTIONS) private readonly options: ResolvedKafkaOptions) {}

  /** Every topic of the mapping (built-in, KAFKA_<DOMAIN>_TOPIC, `topics`), once each. */
  get mappedTopics(): string[] {
    return [...new Set(Object.values(this.options.topics))];
  }

  /**
   * Topics of a handler that was given none: a pattern starting with `*` can match any domain, so it listens
   * to every mapped topic and every topic derived for the app's other handlers; any other pattern to its
   * domain's topic. A handler that cannot have a topic fails
   * startup with EventHandlerDefinitionError naming it, or, with Kafka disabled, is warned about instead.
   */
  topicsForHandler(handler: string, eventName: string): string[] {
    const domain = eventDomain(eventName);
    if (domain === '*') {
      // The mapping's topics and those derived so far for the app's other handlers (defined first).
      const known = [...new Set([...this.mappedTopics, ...this.derived.values()])];
      return known.length > 0 ? known : this.refuse(handler, noMappedTopics(handler, eventName));
    }
    const found = topicOfDomain(domain, this.options);
    if (!found) return this.refuse(handler, underivableTopic(handler, eventName, domain));
    if (!found.derived) return [found.topic];
    const topic = this.derive(domain.toLowerCase(), found.topic);
    return topic === undefined
      ? this.refuse(
          handler,
          `@EventHandler ${handler} (eventName "${eventName}"): ${illegalDerivedTopic(domain.toLowerCase(), found.topic)}`,
        )
      : [topic];
  }

  /**
   * For send() without options.topic. A name with no domain (no dot): EventDomainMissingError. Unmapped in
   * strict mode: UnknownEventDomainError listing the known domains; a derived name Kafka would refuse:
   * KafkaConfigError naming the variable that maps the domain.
   */
  topicForEvent(eventName: string): string {
    if (!eventName.includes('.')) {
      throw new EventDomainMissingError(
        eventName,
        eventNameWithoutDomain(eventName, this.options.topicPrefix),
      );
    }
    const domain = eventDomain(eventName);
    const found = topicOfDomain(domain, this.options);
    if (!found) {
      const known = Object.keys(this.options.topics);
      throw new UnknownEventDomainError(eventName, domain, known, unknownDomain(eventName, domain, known));
    }
    if (!found.derived) return found.topic;
    const key = domain.toLowerCase();
    const topic = this.derive(key, found.topic);
    if (topic === undefined) {
      throw new KafkaConfigError(domainVariable(key), illegalDerivedTopic(key, found.topic));
    }
    return topic;
  }

  /** A legal derived topic, logged the first time its domain needs it; undefined for an illegal name. */
  private derive(domain: string, topic: string): string | undefined {
    const known = this.derived.get(domain);
    if (known !== undefined) return known;
    if (!isLegalTopicName(topic)) return undefined;
    this.derived.set(domain, topic);
    this.logger.log(derivedTopic(domain, topic));
    return topic;
  }

  /** A handler with no possible topic: a startup error, but never while Kafka is disabled. */
  private refuse(handler: string, problem: string): string[] {
    if (this.options.enabled) throw new EventHandlerDefinitionError(handler, problem);
    this.logger.warn(topicProblemWhileDisabled(problem));
    return [];
  }
}
