import type { KafkaCompression } from '../interfaces/kafka-connection-options.interface';
import type { KafkaClientError } from './kafka-client.error';
import type { OutgoingRecord } from '../interfaces/kafka-record.interface';

export interface RecordWriterOptions {
  /** Attempts the client makes for one write before the record fails. */
  retries: number;
  /** Longest wait between two attempts, in ms (kafkajs' `maxRetryTime`; the waits start at 300 ms and double). */
  maxRetryTimeMs: number;
  compression: KafkaCompression;
}

/** A record and the topic it goes to. */
export interface TopicRecord extends OutgoingRecord {
  topic: string;
}

/** Where one record was written, or why it was not. */
export type WriteOutcome =
  { ok: true; partition: number; offset: string } | { ok: false; error: KafkaClientError };

/**
 * Writes records: idempotent, acknowledged by all in-sync replicas, each record to its `partition` when set,
 * else where its key hashes (Java's murmur2) or spread over the partitions when keyless. Records of one
 * partition keep their order. Each record gets its own outcome: one partition failing fails only its records.
 */
export interface RecordWriter {
  readonly isConnected: boolean;
  connect(): Promise<void>;
  write(records: readonly TopicRecord[]): Promise<WriteOutcome[]>;
  disconnect(): Promise<void>;
}
