import { createRequire } from 'node:module';
import { KafkaClientUnavailableError } from '../../errors/kafka-client-unavailable.error';
import type { RecordHeaders } from '../../interfaces/kafka-record.interface';

/**
 * The part of @confluentinc/kafka-javascript's KafkaJS-compatible API this adapter uses. Declared here rather
 * than imported: the package is an optional peer dependency (a native build), so the library compiles and runs
 * without it, and loads it only when `client: 'confluent'` is chosen.
 */
const CONFLUENT_PACKAGE = '@confluentinc/kafka-javascript';

export interface ConfluentMessage {
  key: Buffer | null;
  value: Buffer | null;
  headers?: RecordHeaders;
  offset: string;
  timestamp: string;
}

export interface ConfluentBatchPayload {
  batch: { topic: string; partition: number; messages: ConfluentMessage[] };
  resolveOffset(offset: string): void;
  heartbeat(): Promise<void>;
  commitOffsetsIfNecessary(): Promise<void>;
  isRunning(): boolean;
  isStale(): boolean;
}

interface ConfluentRecordMetadata {
  topicName: string;
  partition: number;
  baseOffset?: string;
  offset?: string;
}

export interface ConfluentProducer {
  connect(): Promise<void>;
  disconnect(): Promise<void>;
  send(record: {
    topic: string;
    messages: {
      key?: Buffer | string | null;
      value: Buffer | string | null;
      partition?: number;
      headers?: RecordHeaders;
    }[];
  }): Promise<ConfluentRecordMetadata[]>;
}

export interface ConfluentConsumer {
  connect(): Promise<void>;
  disconnect(): Promise<void>;
  subscribe(subscription: { topics: string[] }): Promise<void>;
  run(config: {
    eachBatchAutoResolve: boolean;
    partitionsConsumedConcurrently: number;
    eachBatch: (payload: ConfluentBatchPayload) => Promise<void>;
  }): Promise<void>;
  /** Without offsets: every offset stored (resolved) and not yet committed. */
  commitOffsets(offsets?: { topic: string; partition: number; offset: string }[]): Promise<void>;
  pause(topics: { topic: string; partitions?: number[] }[]): void;
  resume(topics: { topic: string; partitions?: number[] }[]): void;
  assignment(): { topic: string; partition: number }[];
  committed(
    partitions: { topic: string; partition: number }[],
  ): Promise<{ topic: string; partition: number; offset: string | null }[]>;
  seek(at: { topic: string; partition: number; offset: string }): void;
}

/** librdkafka's rebalance codes, as `err.code` in a `rebalance_cb`. */
export const ASSIGN_PARTITIONS = -175;
export const REVOKE_PARTITIONS = -174;

export interface ConfluentAdmin {
  connect(): Promise<void>;
  disconnect(): Promise<void>;
  listTopics(): Promise<string[]>;
  /** Unlike kafkajs, an array of topics (not `{ topics }`). */
  fetchTopicMetadata(args: {
    topics: string[];
  }): Promise<{ name: string; partitions: { partitionId: number; leader: number }[] }[]>;
  createTopics(args: {
    topics: { topic: string; numPartitions: number; replicationFactor: number }[];
  }): Promise<boolean>;
  fetchTopicOffsets(topic: string): Promise<{ partition: number; low: string; high: string }[]>;
  fetchOffsets(args: {
    groupId: string;
    topics: string[];
  }): Promise<{ topic: string; partitions: { partition: number; offset: string }[] }[]>;
}

/** The logger its KafkaJS API writes to (`kafkaJS.logger`), for the client or for one consumer. */
export interface ConfluentLogger {
  info(message: string): void;
  error(message: string): void;
  warn(message: string): void;
  debug(message: string): void;
  namespace(): ConfluentLogger;
  setLogLevel(): void;
}

/** librdkafka's settings (dotted names) beside the `kafkaJS` block. */
export type RdkafkaSettings = Record<string, unknown>;

export interface ConfluentKafka {
  producer(config: RdkafkaSettings & { kafkaJS?: object }): ConfluentProducer;
  consumer(config: RdkafkaSettings & { kafkaJS?: object }): ConfluentConsumer;
  admin(config?: { kafkaJS?: object }): ConfluentAdmin;
}

export interface ConfluentModule {
  KafkaJS: { Kafka: new (config: RdkafkaSettings & { kafkaJS?: object }) => ConfluentKafka };
  /** What this build of librdkafka has: codecs ('gzip', 'snappy', 'lz4', 'zstd'), 'ssl', 'sasl_*', ... */
  features?: readonly string[];
}

/** Loads the package through Node's own require; KafkaClientUnavailableError naming it when it is missing. */
export function loadConfluent(packageName = CONFLUENT_PACKAGE): ConfluentModule {
  try {
    // Node's require, not a bundler's or a test runner's: the package is looked up where the app installed it.
    return createRequire(__filename)(packageName) as ConfluentModule;
  } catch (error) {
    throw new KafkaClientUnavailableError('confluent', packageName, { cause: error });
  }
}
