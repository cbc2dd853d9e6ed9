import type { ConnectionOptions } from 'node:tls';
import type { KafkaClientFactory } from '../client/kafka-client.port';
import type {
  KafkaClientName,
  KafkaCompression,
  KafkaGroupProtocol,
  KafkaOauthBearerOptions,
  KafkaSaslOptions,
} from '../interfaces/kafka-connection-options.interface';
import type {
  NonRetryableErrors,
  ResolvedRetryPolicy,
  RetryOptions,
} from '../interfaces/retry-options.interface';

export interface KafkaTopicCreationOptions {
  /** Partitions of each topic the module creates. Default 3. */
  numPartitions?: number;
  /** Replication factor of each topic the module creates. Default: the broker's default. */
  replicationFactor?: number;
}

export interface KafkaDeadLetterOptions {
  /** Write the error's stack trace into the DLQ record (default true, as the reference design says). */
  includeStack?: boolean;
  /** Upper bound of the stack header in bytes (default 8192); it shrinks further to fit maxRecordBytes. */
  maxStackBytes?: number;
  /** Largest DLQ record the broker accepts (message.max.bytes). Default 1048588, Kafka's default. */
  maxRecordBytes?: number;
  /**
   * Subscribe each consumer group to its redelivery topic, `<dlqTopic>.redelivery.<groupId>`, through which
   * `DeadLetterService.replay` (and `kafka-events dlq replay`) reaches only the handler that failed, so a replay
   * needs no restart. The app creates a missing one at startup (createTopics or not: it is the library's own
   * topic); if the cluster refuses, one warning says why and the group runs without the route (its status says
   * so). KAFKA_DLQ_REPLAY. Default true; false creates and reads nothing.
   */
  replay?: boolean;
}

export interface KafkaConsumerOptions {
  sessionTimeout?: number;
  heartbeatInterval?: number;
  /** Partitions of one group processed at the same time. Default 1. */
  concurrency?: number;
  /**
   * Records of one partition handled at the same time when their keys differ; records with the same key
   * (and keyless records, among themselves) stay in order, and the committed offset never passes the
   * lowest unfinished record. 1 (the default) handles a partition's records one at a time, in offset order.
   * A handler's `keyConcurrency` overrides this.
   */
  keyConcurrency?: number;
}

export interface KafkaProducerOptions {
  /** Attempts the client makes for one write before send() rejects with KafkaSendError. Default 8. */
  retries?: number;
  /**
   * Longest wait between two attempts, in ms (the waits start at 300 ms and double): with the defaults the send
   * budget is 68.1 s of waits (kafkajs may spend it twice while no broker answers: README). Default 30000.
   */
  maxRetryTimeMs?: number;
  /** Largest record send() accepts (the broker's message.max.bytes); larger is EventTooLargeError. Default 1048588. */
  maxRecordBytes?: number;
  /**
   * How long send() waits for other send() calls to write together (kafkajs has no linger.ms); 0 writes each
   * call at once. Default 5 ms, Kafka's own linger.ms default.
   */
  lingerMs?: number;
  /** Records that make a batch flush before the linger window ends. Default 1000. */
  maxBatchSize?: number;
  /** Default 'none'. gzip is built in; snappy, lz4 and zstd need their kafkajs codec registered first. */
  compression?: KafkaCompression;
  /**
   * How long a send() made before the producer has connected waits for it, in ms; then it rejects with
   * KafkaProducerNotReadyError. Default 5000.
   */
  readyTimeoutMs?: number;
}

/** The client library's own log level: what kafkajs reports at all (its lines then go through Nest's Logger). */
export type KafkaLogLevel = 'nothing' | 'error' | 'warn' | 'info' | 'debug';

export interface KafkaHealthOptions {
  /**
   * `isAlive()` fails when a group has held records without finishing one for longer than this, in ms, or
   * when its consumer has failed for a reason other than the broker being unreachable for this long.
   * Default: per group, the longest a record may take (every attempt at its handler's timeout plus the
   * backoff between them) plus 60 s; 15 minutes when a handler has no timeout.
   */
  livenessTtlMs?: number;
}

/** OpenTelemetry, through the optional peer `@opentelemetry/api` (docs/tracing.md, docs/metrics.md). */
export interface KafkaTelemetryOptions {
  /**
   * Record metrics (sent, consumed, handler durations, retries, parks, records in flight, lag) on the global
   * MeterProvider. Nothing is recorded while none is registered. KAFKA_METRICS. Default true.
   */
  metrics?: boolean;
  /**
   * Spans for sends, handler attempts and parks, and the W3C trace context in each record's headers, once a
   * tracer provider is registered (none registered: nothing is done). KAFKA_TRACING. Default true.
   */
  tracing?: boolean;
}

/**
 * What KafkaModule.forRoot / forRootAsync take. Every field is optional: what is missing comes from the
 * environment variables of the reference design, then from its defaults.
 */
export interface KafkaModuleOptions {
  /** KAFKA_ENABLED; false loads the module, connects to nothing and makes send() a no-op. Default true. */
  enabled?: boolean;
  /** KAFKA_BROKERS, comma-separated host:port. Default localhost:9092. */
  brokers?: string[] | string;
  /** KAFKA_CLIENT_ID. Default yellow-grid-fsm. */
  clientId?: string;
  /** KAFKA_DLQ_TOPIC. Default dlq.processing_errors. */
  dlqTopic?: string;
  /** KAFKA_SSL; true for TLS with the system's CAs, or Node TLS options. Default false. */
  ssl?: boolean | ConnectionOptions;
  /** KAFKA_SASL_MECHANISM, KAFKA_SASL_USERNAME, KAFKA_SASL_PASSWORD. */
  sasl?: KafkaSaslOptions | KafkaOauthBearerOptions;
  /** Domain to topic, merged over the defaults and KAFKA_<DOMAIN>_TOPIC. */
  topics?: Record<string, string>;
  /**
   * Keep the reference design's five domains (projects, assignments, scheduling, execution, contracts) in the
   * topic mapping. KAFKA_DEFAULT_TOPICS. Default true; false leaves only KAFKA_<DOMAIN>_TOPIC and `topics`.
   */
  defaultTopics?: boolean;
  /**
   * Topic of a domain that has no mapping: `<topicPrefix><domain>`. KAFKA_TOPIC_PREFIX. Default 'fsm.', as the
   * reference design's own mapping has it; '' for the bare domain.
   */
  topicPrefix?: string;
  /**
   * An unmapped domain is an error instead of a derived topic: EventHandlerDefinitionError at startup for a
   * handler, UnknownEventDomainError from send(). KAFKA_STRICT_TOPICS. Default false.
   */
  strictTopics?: boolean;
  /** Create missing topics (handlers' and the DLQ) at startup. KAFKA_CREATE_TOPICS. Default false. */
  createTopics?: boolean | KafkaTopicCreationOptions;
  /** Connection timeout to a broker in ms. Default 3000. */
  connectionTimeout?: number;
  /** Request timeout in ms. Default 30000. */
  requestTimeout?: number;
  /** Upper bound of one health check that asks the broker (isHealthy and the like) in ms. Default 800. */
  healthCheckTimeout?: number;
  /** Liveness settings (`KafkaHealthIndicator.isAlive`). */
  health?: KafkaHealthOptions;
  /** kafkajs' own log level. KAFKA_LOG_LEVEL. Default 'warn'. */
  logLevel?: KafkaLogLevel;
  /** Traces and metrics through OpenTelemetry (docs/tracing.md, docs/metrics.md). */
  telemetry?: KafkaTelemetryOptions;
  consumer?: KafkaConsumerOptions;
  producer?: KafkaProducerOptions;
  deadLetter?: KafkaDeadLetterOptions;
  /**
   * The client: 'kafkajs' (default) or 'confluent' (@confluentinc/kafka-javascript, an optional peer dependency
   * to install); see docs/clients.md. KAFKA_CLIENT. `clientFactory` wins over it.
   */
  client?: KafkaClientName;
  /** Makes the Kafka client behind the library's port (default: KafkajsClientFactory); see docs/architecture.md. */
  clientFactory?: KafkaClientFactory;
  /**
   * The consumer group protocol: 'classic' (default) or 'consumer' (KIP-848, Kafka 4.0+ brokers), which only the
   * 'confluent' client speaks; kafkajs refuses it at startup. Under 'consumer' the broker owns the session and
   * heartbeat timing, so `consumer.sessionTimeout` and `consumer.heartbeatInterval` are refused. KAFKA_GROUP_PROTOCOL.
   * See docs/clients.md.
   */
  groupProtocol?: KafkaGroupProtocol;
  /** Retries of a failing handler before its event is parked; per handler with @EventHandler({ retry }). */
  retry?: RetryOptions;
  /** Errors parked at once, besides NonRetryableError, errors named ValidationError and unparseable records. */
  nonRetryable?: NonRetryableErrors;
  /** A handler still running after this long has failed (HandlerTimeoutError). 0: no limit. Default 300000. */
  handlerTimeoutMs?: number;
  /** How long shutdown waits for handlers in flight before it leaves their records uncommitted. Default 30000. */
  shutdownTimeoutMs?: number;
  /**
   * Make application bootstrap (`app.init()`, `app.listen()`) wait until every consumer group runs (joined,
   * partitions positioned: `KafkaConsumerService.whenRunning()`), up to `timeoutMs` (default 30000). Past it,
   * bootstrap fails with ConsumersNotRunningError naming the groups, and the module closes what it opened.
   * `true` waits the default. KAFKA_WAIT_FOR_CONSUMERS_MS (the timeout). Default false: startup never waits
   * for the broker, and groups join in the background.
   */
  waitForConsumers?: boolean | { timeoutMs?: number };
  /** @internal KafkaTestingModule's `retryDelays: 'skip'`: handlers retry at once, without backoff. */
  skipRetryWaits?: boolean;
}

/** Options after environment, defaults and validation: what the services read. */
export interface ResolvedKafkaOptions {
  enabled: boolean;
  brokers: string[];
  clientId: string;
  dlqTopic: string;
  ssl: boolean | ConnectionOptions;
  sasl?: KafkaSaslOptions | KafkaOauthBearerOptions;
  topics: Record<string, string>;
  topicPrefix: string;
  strictTopics: boolean;
  createTopics:
    false | (Required<Pick<KafkaTopicCreationOptions, 'numPartitions'>> & KafkaTopicCreationOptions);
  connectionTimeout: number;
  requestTimeout: number;
  healthCheckTimeout: number;
  health: KafkaHealthOptions;
  logLevel: KafkaLogLevel;
  telemetry: Required<KafkaTelemetryOptions>;
  consumer: Required<KafkaConsumerOptions>;
  producer: Required<KafkaProducerOptions>;
  deadLetter: Required<KafkaDeadLetterOptions>;
  client: KafkaClientName;
  clientFactory?: KafkaClientFactory;
  groupProtocol: KafkaGroupProtocol;
  retry: ResolvedRetryPolicy;
  nonRetryable?: NonRetryableErrors;
  handlerTimeoutMs: number;
  shutdownTimeoutMs: number;
  /** false: bootstrap does not wait for the consumer groups. */
  waitForConsumers: false | { timeoutMs: number };
  /** @internal */
  skipRetryWaits?: boolean;
}
