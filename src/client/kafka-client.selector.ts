import type { KafkaClientName } from '../interfaces/kafka-connection-options.interface';
import { ConfluentClientFactory } from './confluent/confluent-client.factory';
import type { KafkaClient, KafkaClientFactory, KafkaConnectionConfig } from './kafka-client.port';
import { KafkajsClientFactory } from './kafkajs/kafkajs-client.factory';

/** The part of the resolved options that picks the client: `clientFactory` wins over `client` (KAFKA_CLIENT). */
interface KafkaClientChoice {
  client: KafkaClientName;
  clientFactory?: KafkaClientFactory;
}

/**
 * The one place that picks the client: KafkaModule, the `kafka-events` command and the testing kit's `kafka`
 * transport all go through it, so `client: 'confluent'` / KAFKA_CLIENT=confluent means the same everywhere.
 */
export function kafkaClientFactory(choice: KafkaClientChoice): KafkaClientFactory {
  if (choice.clientFactory) return choice.clientFactory;
  return choice.client === 'confluent' ? new ConfluentClientFactory() : new KafkajsClientFactory();
}

/** The client the resolved options name, made from their connection settings. */
export function createKafkaClient(options: KafkaClientChoice & KafkaConnectionConfig): KafkaClient {
  return kafkaClientFactory(options).create(options);
}
