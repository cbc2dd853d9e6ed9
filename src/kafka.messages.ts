/** Error and log text built in more than one place. Each names what to change. */

export const REDACTED = '[redacted]';

export const invalidSetting = (setting: string, value: unknown, why: string): string =>
  `Invalid Kafka configuration ${setting}=${JSON.stringify(value)}: ${why}`;

export const unknownDomain = (eventName: string, domain: string, known: readonly string[]): string =>
  `No topic for event "${eventName}": domain "${domain}" is not mapped. Known domains: ${
    known.join(', ') || '(none)'
  }. Set ${domainVariable(domain)}, add it to the module's topics option, or pass options.topic.`;

export const underivableTopic = (handler: string, pattern: string, domain: string): string =>
  `@EventHandler ${handler} (eventName "${pattern}") has no topics and domain "${domain}" has no topic mapping. ` +
  `Set topics: [...] on the decorator, or map the domain with ${domainVariable(domain)} or the module's topics option.`;

/** The environment variable that maps a domain to its topic. */
export const domainVariable = (domain: string): string =>
  `KAFKA_${domain.toUpperCase().replace(/[^A-Z0-9]/g, '_')}_TOPIC`;

export const conflictingGroupOption = (
  groupId: string,
  option: string,
  handlers: readonly string[],
): string =>
  `Consumer group "${groupId}" has handlers with different ${option} (${handlers.join(', ')}); ` +
  `handlers that share a groupId share one consumer, so give them the same ${option} or different groupIds.`;

export const missingTopics = (topics: readonly string[]): string =>
  `Kafka topics do not exist: ${topics.join(', ')}. Create them, or set createTopics (KAFKA_CREATE_TOPICS=true).`;

export const sendFailed = (eventName: string, topic: string, reason: string): string =>
  `Could not send "${eventName}" to topic "${topic}": ${reason}`;

export const kafkaDisabled = 'Kafka is disabled (KAFKA_ENABLED=false): nothing is connected or sent';

// Matching control characters is the point: they forge log lines (CR, LF) and break header parsers.
// eslint-disable-next-line no-control-regex
const CONTROL_ALL = /[\u0000-\u001f\u007f]/g;

/** Makes text safe for one log line: control characters (CR, LF, ...) shown escaped, length capped. */
export function loggable(text: string, max = 300): string {
  const clean = text.replace(CONTROL_ALL, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
  return clean.length > max ? `${clean.slice(0, max)}…` : clean;
}
