import { CompressionTypes, Kafka, Producer } from 'kafkajs';
import type { KafkaCompression } from '../../interfaces/kafka-connection-options.interface';
import { withTimeout } from '../with-timeout';
import { KafkajsAdminClient } from './kafkajs.admin-client';
import type { RecordWriter, RecordWriterOptions, TopicRecord, WriteOutcome } from '../record-writer.port';
import { clientCall, toClientError } from './kafkajs-error.mapper';
import { PartitionAssigner, PartitionedMessages } from './partition-assigner';

const COMPRESSION_TYPES: Record<KafkaCompression, CompressionTypes> = {
  none: CompressionTypes.None,
  gzip: CompressionTypes.GZIP,
  snappy: CompressionTypes.Snappy,
  lz4: CompressionTypes.LZ4,
  zstd: CompressionTypes.ZSTD,
};

/**
 * kafkajs' idempotent producer (one request in flight per broker, acks=all), sending one request per
 * partition: see partition-assigner.ts for the kafkajs bug this avoids.
 */
export class KafkajsRecordWriter implements RecordWriter {
  private readonly producer: Producer;
  private readonly compression: CompressionTypes;
  private readonly partitions: PartitionAssigner;
  /** Reads partitions and leaders for the partitioner. */
  private readonly metadata: KafkajsAdminClient;
  private metadataConnected?: Promise<void>;
  private connected = false;

  constructor(
    kafka: Kafka,
    options: RecordWriterOptions,
    private readonly requestTimeoutMs: number,
    instrument?: (producer: Producer) => void,
  ) {
    this.producer = kafka.producer({
      idempotent: true,
      maxInFlightRequests: 1,
      allowAutoTopicCreation: false,
      retry: { retries: options.retries, maxRetryTime: options.maxRetryTimeMs },
    });
    this.compression = COMPRESSION_TYPES[options.compression];
    this.metadata = new KafkajsAdminClient(kafka);
    this.partitions = new PartitionAssigner((topic) => this.fetchPartitions(topic));
    this.producer.on(this.producer.events.CONNECT, () => (this.connected = true));
    this.producer.on(this.producer.events.DISCONNECT, () => (this.connected = false));
    instrument?.(this.producer);
  }

  get isConnected(): boolean {
    return this.connected;
  }

  async connect(): Promise<void> {
    await clientCall(() => this.producer.connect());
    this.connected = true;
  }

  async disconnect(): Promise<void> {
    await this.metadata.disconnect().catch(() => undefined);
    await clientCall(() => this.producer.disconnect());
    this.connected = false;
  }

  private async fetchPartitions(topic: string) {
    this.metadataConnected ??= this.metadata.connect().catch((error: unknown) => {
      this.metadataConnected = undefined;
      throw error;
    });
    const ms = this.requestTimeoutMs;
    try {
      return await withTimeout(
        this.metadataConnected.then(() => this.metadata.partitions(topic)),
        ms,
        `no metadata for topic ${topic} within ${ms} ms`,
      );
    } catch (error) {
      // A broken connection is rebuilt on the next call rather than reused.
      this.metadataConnected = undefined;
      void this.metadata.disconnect().catch(() => undefined);
      throw error;
    }
  }

  /** One request per partition, all in parallel; a partition whose request fails fails only its records. */
  async write(records: readonly TopicRecord[]): Promise<WriteOutcome[]> {
    const outcomes = new Array<WriteOutcome>(records.length);
    const fail = (positions: number[], error: unknown) => {
      const failure: WriteOutcome = { ok: false, error: toClientError(error) };
      for (const position of positions) outcomes[position] = failure;
    };
    const byTopic = new Map<string, number[]>();
    records.forEach((r, position) => {
      const positions = byTopic.get(r.topic);
      if (positions) positions.push(position);
      else byTopic.set(r.topic, [position]);
    });
    await Promise.all(
      [...byTopic].map(async ([topic, topicPositions]) => {
        let groups: PartitionedMessages[];
        try {
          // A topic that cannot be resolved (missing, forbidden) fails its own records only.
          groups = await this.partitions.assign(topicPositions.map((p) => records[p]));
        } catch (error) {
          this.partitions.invalidate(topic);
          return fail(topicPositions, error);
        }
        await Promise.all(
          groups.map(async ({ partition, messages, positions }) => {
            const callers = positions.map((p) => topicPositions[p]);
            try {
              const [result] = await this.producer.send({
                topic,
                messages,
                acks: -1,
                compression: this.compression,
              });
              const base = Number(result.baseOffset ?? '-1');
              // Offsets stay exact as Numbers below 2^53; BigInt per record only beyond that.
              const exact = Number.isSafeInteger(base + callers.length);
              callers.forEach((position, i) => {
                const offset = exact
                  ? String(base + i)
                  : (BigInt(result.baseOffset ?? '-1') + BigInt(i)).toString();
                outcomes[position] = { ok: true, partition, offset };
              });
            } catch (error) {
              this.partitions.invalidate(topic);
              fail(callers, error);
            }
          }),
        );
      }),
    );
    return outcomes;
  }
}
