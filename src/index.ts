export { KafkaModule } from './kafka.module';
export { KAFKA_MODULE_OPTIONS } from './kafka-module-definition';
export { EventHandler } from './decorators/event-handler.decorator';
export { KafkaProducerService } from './producer/kafka-producer.service';
export { KafkaConsumerService } from './consumer/kafka-consumer.service';
export { EventHandlerRegistry } from './discovery/event-handler.registry';
export { KafkaHealthIndicator } from './health/kafka.health';
export { KafkajsClientFactory } from './client/kafka-client.factory';
export type { KafkaClient, KafkaClientFactory } from './client/kafka-client.factory';
export { parseKafkaEnv } from './config/kafka-env.parser';
export { resolveKafkaOptions } from './config/kafka-options.resolver';
export { compileEventPattern } from './routing/event-pattern';
export {
  DEFAULT_BROKERS,
  DEFAULT_CLIENT_ID,
  DEFAULT_DLQ_TOPIC,
  DEFAULT_TOPIC_MAP,
  DEFAULT_TOPIC_PREFIX,
  DeadLetterHeaders,
  EventHeaders,
} from './kafka.constants';
export * from './errors';
export type * from './interfaces/event-context.interface';
export type * from './interfaces/event-handler-options.interface';
export type * from './interfaces/event-handler-definition.interface';
export type * from './interfaces/consumer-group-status.interface';
export type * from './interfaces/kafka-module-options.interface';
export type * from './interfaces/send-options.interface';
export type { DeadLetterReason } from './dead-letter/dead-letter.headers';
