import { Logger } from '@nestjs/common';
import { Kafka, KafkaConfig, logLevel, SASLOptions } from 'kafkajs';
import { ResolvedKafkaOptions } from '../interfaces/kafka-module-options.interface';
import { kafkajsLogCreator } from './kafkajs-log.bridge';

/**
 * The one seam between this library and its Kafka client. Producer, consumers, admin and health all get
 * their clients from here, so a client with kafkajs' API (for example @confluentinc/kafka-javascript's
 * KafkaJS-compatible one) can be swapped in by providing another factory under KAFKA_CLIENT_FACTORY.
 */
export type KafkaClient = Pick<Kafka, 'producer' | 'consumer' | 'admin'>;

export interface KafkaClientFactory {
  create(options: ResolvedKafkaOptions): KafkaClient;
}

export class KafkajsClientFactory implements KafkaClientFactory {
  create(options: ResolvedKafkaOptions): KafkaClient {
    if (typeof options.ssl === 'object' && options.ssl.rejectUnauthorized === false) {
      // Never silently off: this accepts any certificate, so a man in the middle can read every event.
      new Logger('Kafka').warn(
        'TLS certificate verification is OFF (rejectUnauthorized: false / KAFKA_SSL_REJECT_UNAUTHORIZED=false)',
      );
    }
    return new Kafka(kafkajsConfig(options));
  }
}

export function kafkajsConfig(options: ResolvedKafkaOptions): KafkaConfig {
  return {
    clientId: options.clientId,
    brokers: options.brokers,
    ssl: options.ssl,
    sasl: options.sasl as SASLOptions | undefined,
    connectionTimeout: options.connectionTimeout,
    requestTimeout: options.requestTimeout,
    logLevel: logLevel.INFO,
    logCreator: kafkajsLogCreator(new Logger('Kafka')),
  };
}
