/**
 * Metadata key written by @EventHandler, read only through KafkaMetadataAccessor. Scoped by the package's name
 * (as bullmq's `'bullmq:processor_metadata'`): another Kafka library's `kafka:` key on the same method is not ours.
 */
export const EVENT_HANDLER_METADATA = 'nestjs-kafka-event-system:event_handler';

/**
 * Metadata key of the argument layout (payload, context) Nest's ExternalContextCreator reads to run pipes on an
 * @EventHandler; written at bootstrap for the handlers that have enhancers.
 */
export const EVENT_HANDLER_ARGS_METADATA = 'kafka:event_handler_args';

/** The context type guards, interceptors and filters see for an @EventHandler call (KafkaContextType). */
export const KAFKA_EVENT_CONTEXT_TYPE = 'kafka-event';

/** Injection token of the validated, defaulted options every internal service reads. */
export const KAFKA_OPTIONS = Symbol('kafka:resolved_options');

/** Injection token of the client the KafkaClientFactory made for this module. */
export const KAFKA_CLIENT = Symbol('kafka:client');

/** Injection token of the module's one record writer, shared by the producer and the dead-letter publisher. */
export const KAFKA_RECORD_WRITER = Symbol('kafka:record_writer');

/** Injection token of the metrics recorder (src/telemetry/metrics.recorder.ts); undefined when metrics are off. */
export const KAFKA_METRICS = Symbol('kafka:metrics');

/** Injection token of the module's tracing (src/telemetry/tracing.ts); undefined when tracing is off. */
export const KAFKA_TRACING = Symbol('kafka:tracing');

/** The reference design's defaults. */
export const DEFAULT_BROKERS = ['localhost:9092'];
export const DEFAULT_CLIENT_ID = 'yellow-grid-fsm';
export const DEFAULT_DLQ_TOPIC = 'dlq.processing_errors';
/** Prefix of a derived topic: the reference design maps each of its domains `<domain>` to `fsm.<domain>`. */
export const DEFAULT_TOPIC_PREFIX = 'fsm.';

/** Domain (first segment of an event name) to topic; KAFKA_<DOMAIN>_TOPIC overrides each. */
export const DEFAULT_TOPIC_MAP: Readonly<Record<string, string>> = Object.freeze({
  projects: 'fsm.projects',
  assignments: 'fsm.assignments',
  scheduling: 'fsm.scheduling',
  execution: 'fsm.execution',
  contracts: 'fsm.contracts',
});

/** Headers the producer writes on every record. */
export const EventHeaders = {
  EVENT_NAME: 'event-name',
  EVENT_ID: 'event-id',
  CORRELATION_ID: 'correlation-id',
  CONTENT_TYPE: 'content-type',
  CLIENT_ID: 'client-id',
} as const;

export const JSON_CONTENT_TYPE = 'application/json';

/** Headers the dead-letter publisher adds to the original record's headers. */
export const DeadLetterHeaders = {
  ORIGINAL_TOPIC: 'dlq-original-topic',
  ORIGINAL_PARTITION: 'dlq-original-partition',
  ORIGINAL_OFFSET: 'dlq-original-offset',
  ORIGINAL_TIMESTAMP: 'dlq-original-timestamp',
  REASON: 'dlq-reason',
  ERROR_NAME: 'dlq-error-name',
  ERROR_MESSAGE: 'dlq-error-message',
  ERROR_STACK: 'dlq-error-stack',
  FAILED_AT: 'dlq-failed-at',
  CONSUMER_GROUP: 'dlq-consumer-group',
  HANDLER: 'dlq-handler',
  EVENT_NAME: 'dlq-event-name',
  CORRELATION_ID: 'dlq-correlation-id',
  ATTEMPTS: 'dlq-attempts',
  /** With reason `validation`: the schema's issues as JSON, `[{ "path": "items.0.sku", "message": "..." }]`. */
  VALIDATION_ISSUES: 'dlq-validation-issues',
} as const;

/** Headers of a record replayed from the DLQ (and of a record parked again from it). */
export const DeadLetterReplayHeaders = {
  /** How many times it was replayed, this time included. */
  COUNT: 'dlq-replay-count',
  /** The handler (Class.method) it goes to, in the group of its redelivery topic. */
  HANDLER: 'dlq-replay-handler',
  /** The DLQ record it was replayed from. */
  FROM_TOPIC: 'dlq-replayed-from-topic',
  FROM_PARTITION: 'dlq-replayed-from-partition',
  FROM_OFFSET: 'dlq-replayed-from-offset',
} as const;

/** Prefix of every header the dead-letter publisher and the replay add. */
export const DEAD_LETTER_HEADER_PREFIX = 'dlq-';

/** How long KafkaConsumerService.whenRunning() (and `waitForConsumers: true`) waits by default, in ms. */
export const DEFAULT_CONSUMERS_WAIT_MS = 30_000;
