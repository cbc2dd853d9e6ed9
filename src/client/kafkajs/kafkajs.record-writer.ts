import { CompressionCodecs, CompressionTypes, Kafka, Producer, RecordMetadata, RetryOptions } from 'kafkajs';
import type { KafkaCompression } from '../../interfaces/kafka-connection-options.interface';
import { withTimeout } from '../../common/with-timeout';
import { KafkajsAdminClient } from './kafkajs.admin-client';
import type { RecordWriter, RecordWriterOptions, TopicRecord, WriteOutcome } from '../record-writer.port';
import { KafkaClientError } from '../kafka-client.error';
import { clientCall, toClientError } from './kafkajs-error.mapper';
import { checkAcknowledgements } from './produce-response.guard';
import { PartitionAssigner, PartitionedMessages } from './partition-assigner';
import { FIRST_RETRY_WAIT_MS, RETRY_WAIT_MULTIPLIER, sendBudgetMs } from '../send-budget';

const COMPRESSION_TYPES: Record<KafkaCompression, CompressionTypes> = {
  none: CompressionTypes.None,
  gzip: CompressionTypes.GZIP,
  snappy: CompressionTypes.Snappy,
  lz4: CompressionTypes.LZ4,
  zstd: CompressionTypes.ZSTD,
};

/**
 * Why `compression` cannot be written with kafkajs as it is set up, or undefined: kafkajs ships gzip only, and
 * the other codecs throw "not implemented" until an app registers one in `CompressionCodecs`.
 */
function missingCodec(compression: KafkaCompression): string | undefined {
  const codec = (CompressionCodecs as Partial<Record<CompressionTypes, () => unknown>>)[
    COMPRESSION_TYPES[compression]
  ];
  try {
    codec?.();
    return undefined;
  } catch {
    return (
      `producer.compression '${compression}' needs its kafkajs codec, registered in kafkajs' CompressionCodecs ` +
      `before the app starts (README, producer.compression), or client 'confluent', which has it built in`
    );
  }
}

/** How many times one leader's records are sent while the responses leave some partition out. */
const MAX_SENDS = 3;

/**
 * kafkajs' retry settings for a write, for the producer and for the `Kafka` it is made from: a send reconnects
 * its cluster inside its own retries, with the retry settings of the `Kafka` (5 retries by default, whatever the
 * producer's say), so an outage failed sends after 10-15 s. The waits have no jitter: kafkajs' ±20% per wait
 * compounds, and the default budget (send-budget.ts: 68.1 s) spread over 37-92 s.
 */
export function kafkajsSendRetry({ retries, maxRetryTimeMs }: RecordWriterOptions): RetryOptions {
  return {
    retries,
    maxRetryTime: maxRetryTimeMs,
    initialRetryTime: FIRST_RETRY_WAIT_MS,
    multiplier: RETRY_WAIT_MULTIPLIER,
    factor: 0,
  };
}

/**
 * kafkajs' idempotent producer (one request in flight per broker, acks=all), sending one request per leader
 * that carries all its partitions, and checking every partition came back acknowledged (kafkajs #1303: see
 * produce-response.guard.ts).
 */
export class KafkajsRecordWriter implements RecordWriter {
  private readonly producer: Producer;
  private readonly compression: CompressionTypes;
  /** Set when the codec is not registered: every write fails with it, before anything is sent. */
  private readonly codecMissing?: KafkaClientError;
  private readonly partitions: PartitionAssigner;
  /** Reads partitions and leaders for the partitioner. */
  private readonly metadata: KafkajsAdminClient;
  private metadataConnected?: Promise<void>;
  /** The send budget, plus one request: the metadata connection retries as the producer does. */
  private readonly metadataTimeoutMs: number;
  private connected = false;

  /** `kafka`: made with `retry: kafkajsSendRetry(options)`, so the send budget covers reconnecting too. */
  constructor(
    kafka: Kafka,
    options: RecordWriterOptions,
    requestTimeoutMs: number,
    instrument?: (producer: Producer) => void,
  ) {
    this.producer = kafka.producer({
      idempotent: true,
      maxInFlightRequests: 1,
      allowAutoTopicCreation: false,
      retry: kafkajsSendRetry(options),
    });
    this.metadataTimeoutMs = sendBudgetMs(options.retries, options.maxRetryTimeMs) + requestTimeoutMs;
    this.compression = COMPRESSION_TYPES[options.compression];
    const missing = missingCodec(options.compression);
    if (missing) this.codecMissing = new KafkaClientError('other', false, missing);
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
    const ms = this.metadataTimeoutMs;
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

  /**
   * One send per topic and leader, all in parallel: kafkajs makes one Produce request per broker for it, carrying
   * all that leader's partitions. A send that fails fails only its own records; a partition missing from a
   * send's response (kafkajs #1303) is sent again, and never reported written.
   */
  async write(records: readonly TopicRecord[]): Promise<WriteOutcome[]> {
    const codecMissing = this.codecMissing;
    if (codecMissing) return records.map(() => ({ ok: false, error: codecMissing }));
    const outcomes = new Array<WriteOutcome>(records.length);
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
          return fail(outcomes, topicPositions, toClientError(error));
        }
        const byLeader = new Map<number, PartitionedMessages[]>();
        for (const group of groups) {
          const same = byLeader.get(group.leader);
          if (same) same.push(group);
          else byLeader.set(group.leader, [group]);
        }
        await Promise.all(
          [...byLeader.values()].map((leaderGroups) =>
            this.sendUntilAcknowledged(topic, leaderGroups, topicPositions, outcomes),
          ),
        );
      }),
    );
    return outcomes;
  }

  /** Sends one leader's partitions of a topic, then again those the response left out, up to MAX_SENDS times. */
  private async sendUntilAcknowledged(
    topic: string,
    groups: PartitionedMessages[],
    topicPositions: readonly number[],
    outcomes: WriteOutcome[],
  ): Promise<void> {
    let pending = groups;
    for (let sends = 1; ; sends++) {
      let acknowledgements: RecordMetadata[];
      try {
        acknowledgements = await this.producer.send({
          topic,
          messages: pending.length === 1 ? pending[0].messages : pending.flatMap((g) => g.messages),
          acks: -1,
          compression: this.compression,
        });
      } catch (error) {
        this.partitions.invalidate(topic);
        return failGroups(outcomes, pending, topicPositions, toClientError(error));
      }
      const { acknowledged, missing } = checkAcknowledgements(pending, acknowledgements);
      for (const { sent, baseOffset } of acknowledged) settle(outcomes, sent, baseOffset, topicPositions);
      if (missing.length === 0) return;
      // The leaders moved under the send: read them again before the next one.
      this.partitions.invalidate(topic);
      if (sends >= MAX_SENDS) {
        const failure = new KafkaClientError(
          'other',
          true,
          `kafkajs reported no write of topic ${topic} partition(s) ${missing.map((g) => g.partition).join(', ')} ` +
            `after ${sends} sends (its leaders kept moving; kafkajs issue #1303); none of their records is ` +
            `reported written: send them again once the cluster settles`,
        );
        return failGroups(outcomes, missing, topicPositions, failure);
      }
      pending = missing;
    }
  }
}

function fail(outcomes: WriteOutcome[], positions: readonly number[], error: KafkaClientError): void {
  const failure: WriteOutcome = { ok: false, error };
  for (const position of positions) outcomes[position] = failure;
}

function failGroups(
  outcomes: WriteOutcome[],
  groups: readonly PartitionedMessages[],
  topicPositions: readonly number[],
  error: KafkaClientError,
): void {
  for (const { positions } of groups)
    fail(
      outcomes,
      positions.map((p) => topicPositions[p]),
      error,
    );
}

/** Each record of an acknowledged partition gets its offset: the base offset plus its place in the send. */
function settle(
  outcomes: WriteOutcome[],
  { partition, positions }: PartitionedMessages,
  baseOffset: string,
  topicPositions: readonly number[],
): void {
  const base = Number(baseOffset);
  // Offsets stay exact as Numbers below 2^53; BigInt per record only beyond that.
  const exact = Number.isSafeInteger(base + positions.length);
  positions.forEach((p, i) => {
    const offset = exact ? String(base + i) : (BigInt(baseOffset) + BigInt(i)).toString();
    outcomes[topicPositions[p]] = { ok: true, partition, offset };
  });
}
