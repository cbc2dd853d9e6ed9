/** The Kafka client behind the port: kafkajs (the default) or @confluentinc/kafka-javascript (`confluent`). */
export type KafkaClientName = 'kafkajs' | 'confluent';

/**
 * How a consumer group shares partitions: 'classic' (JoinGroup/SyncGroup, rebalanced by the members) or
 * 'consumer' (KIP-848: the broker assigns, members move only the partitions that change hands).
 */
export type KafkaGroupProtocol = 'classic' | 'consumer';

export type KafkaCompression = 'none' | 'gzip' | 'snappy' | 'lz4' | 'zstd';

export type SaslMechanismName = 'plain' | 'scram-sha-256' | 'scram-sha-512';

export interface KafkaSaslOptions {
  mechanism: SaslMechanismName;
  username: string;
  password: string;
}

/** OAUTHBEARER: a provider returning a fresh token; give it through forRootAsync (it cannot come from env). */
export interface KafkaOauthBearerOptions {
  mechanism: 'oauthbearer';
  oauthBearerProvider: () => Promise<{ value: string }>;
}
