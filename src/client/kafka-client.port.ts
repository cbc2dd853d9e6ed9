import type { ConnectionOptions } from 'node:tls';
import type {
  KafkaGroupProtocol,
  KafkaOauthBearerOptions,
  KafkaSaslOptions,
} from '../interfaces/kafka-connection-options.interface';
import type { AdminClient } from './admin-client.port';
import type { GroupConsumer, GroupConsumerEvents, GroupConsumerOptions } from './group-consumer.port';
import type { RecordWriter, RecordWriterOptions } from './record-writer.port';
import type { TopicReader, TopicReaderOptions } from './topic-reader.port';

/** What every client needs to reach the cluster: the connection part of the module's options. */
export interface KafkaConnectionConfig {
  clientId: string;
  brokers: string[];
  ssl: boolean | ConnectionOptions;
  sasl?: KafkaSaslOptions | KafkaOauthBearerOptions;
  connectionTimeout: number;
  requestTimeout: number;
  /** The client library's own log level (module option `logLevel`, KAFKA_LOG_LEVEL); default 'warn'. */
  logLevel?: 'nothing' | 'error' | 'warn' | 'info' | 'debug';
  /** The group protocol of the client's group consumers (module option `groupProtocol`); default 'classic'. */
  groupProtocol?: KafkaGroupProtocol;
}

/**
 * The port: the only way the library reaches Kafka. Producer, consumers, admin and health use these three
 * roles and nothing of a client library; each client is an adapter in a folder of its own (`kafkajs/`).
 */
export interface KafkaClient {
  recordWriter(options: RecordWriterOptions): RecordWriter;
  groupConsumer(options: GroupConsumerOptions, events: GroupConsumerEvents): GroupConsumer;
  admin(): AdminClient;
  /** Reads a topic up to fixed end offsets (the dead-letter replay). */
  topicReader(options: TopicReaderOptions): TopicReader;
}

/** Makes the module's client from its connection settings (module option `clientFactory`). */
export interface KafkaClientFactory {
  create(config: KafkaConnectionConfig): KafkaClient;
}
