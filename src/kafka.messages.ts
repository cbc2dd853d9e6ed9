/** Error and log text built in more than one place. Each names what to change. */

export const REDACTED = '[redacted]';

export const invalidSetting = (setting: string, value: unknown, why: string): string =>
  `Invalid Kafka configuration ${setting}=${JSON.stringify(value)}: ${why}`;

export const unknownDomain = (eventName: string, domain: string, known: readonly string[]): string =>
  `No topic for event "${eventName}": domain "${domain}" is not mapped and strictTopics is on. Known domains: ${
    known.join(', ') || '(none)'
  }. Set ${domainVariable(domain)}, add it to the module's topics option, pass options.topic, ` +
  `or turn strictTopics off (KAFKA_STRICT_TOPICS) to use the derived topic.`;

export const underivableTopic = (handler: string, pattern: string, domain: string): string =>
  `@EventHandler ${handler} (eventName "${pattern}") has no topics and domain "${domain}" has no topic mapping, ` +
  `which strictTopics (KAFKA_STRICT_TOPICS=true) does not allow. Set topics: [...] on the decorator, ` +
  `or map the domain with ${domainVariable(domain)} or the module's topics option.`;

export const noMappedTopics = (handler: string, pattern: string): string =>
  `@EventHandler ${handler} (eventName "${pattern}") starts with a wildcard and has no topics, so it listens ` +
  `to every mapped topic, but the topic mapping is empty (defaultTopics: false / KAFKA_DEFAULT_TOPICS=false). ` +
  `Set topics: [...] on the decorator, or map the domains it should hear with KAFKA_<DOMAIN>_TOPIC or the ` +
  `module's topics option.`;

export const eventNameWithoutDomain = (eventName: string, topicPrefix: string): string =>
  `Event name "${eventName}" has no domain: name events <domain>.<action> (e.g. orders.${eventName}). ` +
  `send() without options.topic takes the topic from the domain, the name's first segment (lower-cased): ` +
  `its mapping (KAFKA_<DOMAIN>_TOPIC or the module's topics option), else "${topicPrefix}<domain>" ` +
  `(orders.${eventName} -> ${topicPrefix}orders). Add a domain, or pass options.topic.`;

/** Startup could not create the redelivery topics (ACLs, a topic policy): the groups run without the route. */
export const redeliveryTopicRefused = (topics: readonly string[], cause: string): string =>
  `Could not create the DLQ redelivery topic(s) ${topics.join(', ')} (${cause}): their groups run without the ` +
  `replay route, everything else works. To replay into them, create the topic(s) (or grant CreateTopics) and ` +
  `restart the app; to stop trying, set deadLetter.replay: false (KAFKA_DLQ_REPLAY=false).`;

/** Why a group runs without its redelivery route, in its status and health details. */
export const redeliveryRouteOff = (topic: string): string =>
  `topic ${topic} does not exist and could not be created (see the startup log): create it and restart ` +
  `the app, or set deadLetter.replay: false (KAFKA_DLQ_REPLAY=false)`;

/** What the consumer's log lines say about one handler attempt in flight. */
interface AttemptInFlight {
  handler: string;
  topic: string;
  partition: number;
  offset: string;
  timeoutMs: number;
}

const seconds = (ms: number): string => `${Math.floor(ms / 1000)} s`;

/** Warned while a handler attempt runs long: every 30 s, or every half of its timeout when shorter. */
export const slowHandler = (a: AttemptInFlight, runningMs: number): string =>
  `${a.handler} has been running for ${seconds(runningMs)} on ${a.topic}/${a.partition}/${a.offset} ` +
  (a.timeoutMs > 0
    ? `(timeout ${seconds(a.timeoutMs)}: then it is cut and retried or parked)`
    : '(no timeout: it runs until it settles, or until the shutdown deadline cuts it)');

/** One attempt in flight, for the shutdown line. */
export const runningHandler = (a: AttemptInFlight, runningMs: number): string =>
  `${a.handler} on ${a.topic}/${a.partition}/${a.offset} (running ${seconds(runningMs)})`;

/** Logged when a stopping consumer still has handlers running. */
export const stoppingWithHandlers = (running: readonly string[], deadlineMs: number): string =>
  `Stopping: waiting up to ${deadlineMs} ms (shutdownTimeoutMs) for ${running.length} handler attempt(s) ` +
  `still running: ${running.join('; ')}. After that they are cut and their records stay uncommitted.`;

/** Debug line, once per event name and topic of a group: a record no handler of the group wants. */
export const skippedEvent = (
  eventName: string,
  topic: string,
  handlers: readonly { id: string; pattern: { source: string }; topics: ReadonlySet<string> }[],
): string =>
  `Skipping "${loggable(eventName, 120)}" on ${topic}: no handler of this group matches it on this topic ` +
  `(${handlers.map((h) => `${h.id}: ${h.pattern.source} on ${[...h.topics].join(',')}`).join('; ')}); ` +
  `names match ignoring case. Logged once per event name and topic; the group's skipped counter counts each.`;

/** Logged once per domain and app, the first time its topic is derived. */
export const derivedTopic = (domain: string, topic: string): string =>
  `Event domain "${domain}" has no topic mapping; using "${topic}" ` +
  `(set ${domainVariable(domain)} or topics.${domain} to choose another)`;

export const illegalDerivedTopic = (domain: string, topic: string): string =>
  `Domain "${domain}" has no topic mapping and its derived topic "${topic}" is not a legal Kafka topic name ` +
  `(letters, digits, ".", "_", "-"; at most 249). Map the domain with ${domainVariable(domain)} or ` +
  `topics.${domain}, or change topicPrefix (KAFKA_TOPIC_PREFIX).`;

export const topicProblemWhileDisabled = (problem: string): string =>
  `${problem} Kafka is disabled (KAFKA_ENABLED=false), so startup goes on and this handler listens to nothing.`;

/** The environment variable that maps a domain to its topic. */
export const domainVariable = (domain: string): string =>
  `KAFKA_${domain.toUpperCase().replace(/[^A-Z0-9]/g, '_')}_TOPIC`;

/** The KIP-848 protocol on a client that speaks only the classic one. */
export const groupProtocolUnsupported = (client: string): string =>
  `groupProtocol 'consumer' (KAFKA_GROUP_PROTOCOL=consumer, KIP-848) is not supported by the ${client} client: ` +
  `use client: 'confluent' (KAFKA_CLIENT=confluent, package @confluentinc/kafka-javascript), ` +
  `or groupProtocol 'classic'.`;

/** Settings the KIP-848 protocol leaves to the broker. */
export const refusedUnderConsumerProtocol = (settings: readonly string[]): string =>
  `${settings.join(', ')} cannot be set with groupProtocol 'consumer' (KAFKA_GROUP_PROTOCOL=consumer): under ` +
  `KIP-848 the broker sets the session timeout and heartbeat interval (group.consumer.session.timeout.ms, ` +
  `group.consumer.heartbeat.interval.ms). Remove ${settings.length > 1 ? 'them' : 'it'}, or use groupProtocol 'classic'.`;

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

/**
 * `lastFailure`: why the last connection attempt failed. A refusal (credentials, certificates, ACLs) is named
 * as the thing to fix; waiting longer would not help. Anything else keeps the advice to wait or gate traffic.
 */
export const producerNotReady = (
  brokers: readonly string[],
  waitedMs: number,
  lastFailure?: { reason: string; refused: boolean },
): string => {
  const notConnected = `the producer has not connected to ${brokers.join(',')} within ${waitedMs} ms`;
  if (lastFailure?.refused)
    return `${notConnected}; the last connection attempt failed: ${lastFailure.reason}`;
  const advice =
    'raise producer.readyTimeoutMs to wait longer, or gate traffic on KafkaHealthIndicator.isReady()';
  return lastFailure === undefined
    ? `${notConnected}: ${advice}`
    : `${notConnected}: ${advice} (the last connection attempt failed: ${lastFailure.reason})`;
};

export const kafkaDisabled = 'Kafka is disabled (KAFKA_ENABLED=false): nothing is connected or sent';

// Matching control characters is the point: they forge log lines (CR, LF) and break header parsers.
// eslint-disable-next-line no-control-regex
const CONTROL_ALL = /[\u0000-\u001f\u007f]/g;

/** Makes text safe for one log line: control characters (CR, LF, ...) shown escaped, length capped. */
export function loggable(text: string, max = 300): string {
  const clean = text.replace(CONTROL_ALL, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
  return clean.length > max ? `${clean.slice(0, max)}…` : clean;
}

export const testingNotInitialised = (method: string): string =>
  `KafkaTestHarness.${method}() was called before the testing module was initialised, so no handler is ` +
  `registered and no consumer runs. Call \`await moduleRef.init()\` (or \`app.init()\`) after compile().`;

export const testingDisabled = (method: string): string =>
  `KafkaTestHarness.${method}() cannot deliver events: Kafka is disabled (enabled: false or KAFKA_ENABLED=false) ` +
  `with transport 'kafka'. Use transport 'memory' (the default), or enable Kafka.`;

export const emitTimedOut = (eventName: string, timeoutMs: number, waiting: readonly string[]): string =>
  `emit("${eventName}") timed out after ${timeoutMs} ms waiting for ${waiting.join('; ')}. A handler may ` +
  `still be running or retrying: raise emit's timeoutMs, lower the handler's timeoutMs or retry attempts, or ` +
  `keep retryDelays: 'skip' in KafkaTestingModule.`;
