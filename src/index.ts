// The public API: what an app imports, calls, catches or types against. Everything else is internal.
export { KafkaModule } from './kafka.module';
export { EventHandler } from './decorators/event-handler.decorator';
export { KafkaProducerService } from './producer/kafka-producer.service';
export { KafkaConsumerService } from './consumer/kafka-consumer.service';
export { ConsumerLagService } from './admin/consumer-lag.service';
export { EventHandlerRegistry } from './discovery/event-handler.registry';
export { KafkaHealthIndicator } from './health/kafka.health';
export { DeadLetterService } from './dead-letter/dead-letter.service';
export { resolveKafkaOptions } from './config/kafka-options.resolver';
export {
  DEFAULT_BROKERS,
  DEFAULT_CLIENT_ID,
  DEFAULT_DLQ_TOPIC,
  DEFAULT_TOPIC_MAP,
  DEFAULT_TOPIC_PREFIX,
  DeadLetterHeaders,
  DeadLetterReplayHeaders,
  EventHeaders,
} from './kafka.constants';
export * from './errors';
export type * from './interfaces/event-context.interface';
export type * from './interfaces/event-handler-options.interface';
export type * from './interfaces/event-handler-info.interface';
export type * from './interfaces/consumer-group-status.interface';
export type * from './interfaces/consumer-lag.interface';
export type * from './interfaces/kafka-connection-options.interface';
export type * from './interfaces/retry-options.interface';
export type * from './interfaces/send-options.interface';
export type * from './interfaces/event-schema.interface';
export type { StandardSchemaV1 } from './interfaces/standard-schema.interface';
export type { EventHandlerDecorator, HandlerEvent } from './decorators/event-handler.decorator';
export type { DeadLetterReason } from './interfaces/dead-letter.interface';
export type * from './interfaces/dead-letter-replay.interface';
export type * from './config/kafka-module-options.interface';

// The client port, for a client other than kafkajs (module option `clientFactory`). The testing kit and the
// in-memory client are in the testing entry, `nestjs-kafka-event-system/testing` (src/testing/index.ts).
export { KafkajsClientFactory } from './client/kafkajs/kafkajs-client.factory';
export type { KafkajsInstrumentation } from './client/kafkajs/kafkajs-client.factory';
export { ConfluentClientFactory } from './client/confluent/confluent-client.factory';
export { KafkaClientError } from './client/kafka-client.error';
export type { KafkaClientErrorKind } from './client/kafka-client.error';
export type * from './client/kafka-client.port';
export type * from './client/record-writer.port';
export type * from './client/group-consumer.port';
export type * from './client/admin-client.port';
export type * from './client/topic-reader.port';
export type * from './interfaces/kafka-record.interface';
