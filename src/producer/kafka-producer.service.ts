import { Inject, Injectable, Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { CompressionTypes, Message, Producer } from 'kafkajs';
import { KafkaClient } from '../client/kafka-client.factory';
import { TopicResolver } from '../config/topic.resolver';
import { currentCorrelationId } from '../consumer/event-context.storage';
import { KafkaSendError } from '../errors/kafka-send.error';
import { KafkaCompression, ResolvedKafkaOptions } from '../interfaces/kafka-module-options.interface';
import { BatchEvent, SendEventOptions, SentEventMetadata } from '../interfaces/send-options.interface';
import { EventHeaders, KAFKA_CLIENT, KAFKA_OPTIONS } from '../kafka.constants';
import { sendFailed } from '../kafka.messages';
import { KafkaAdminService } from '../topics/kafka-admin.service';
import { buildEventHeaders } from './event-headers';
import { PartitionAssigner, PartitionedMessages } from './partition-assigner';
import { OutgoingRecord, RecordOutcome, SendBatcher } from './send-batcher';
import { validateOutgoingEvent } from './event-validation';
import { EventTooLargeError } from '../errors/event-too-large.error';
import { headersSize } from '../dead-letter/dead-letter.headers';

const COMPRESSION_TYPES: Record<KafkaCompression, CompressionTypes> = {
  none: CompressionTypes.None,
  gzip: CompressionTypes.GZIP,
  snappy: CompressionTypes.Snappy,
  lz4: CompressionTypes.LZ4,
  zstd: CompressionTypes.ZSTD,
};

/** Where the broker wrote one record. */
export interface WrittenRecord {
  partition: number;
  offset: string;
}

interface PreparedEvent {
  topic: string;
  message: Message;
  meta: Omit<SentEventMetadata, 'partition' | 'offset' | 'sent'>;
}

/**
 * Sends events. The topic comes from the event's domain through the topic mapping (or options.topic);
 * every record carries event-name, event-id, correlation-id, content-type and client-id headers.
 * One idempotent producer with acks=all serves the whole module, the dead-letter publisher included.
 */
@Injectable()
export class KafkaProducerService {
  private readonly logger = new Logger(KafkaProducerService.name);
  private producer?: Producer;
  private connecting?: Promise<Producer>;
  private connected = false;
  private closed = false;

  private readonly partitions: PartitionAssigner;
  private readonly batcher?: SendBatcher<WrittenRecord>;
  private readonly compression: CompressionTypes;

  constructor(
    @Inject(KAFKA_OPTIONS) private readonly options: ResolvedKafkaOptions,
    @Inject(KAFKA_CLIENT) private readonly client: KafkaClient,
    admin: KafkaAdminService,
    private readonly topics: TopicResolver,
  ) {
    this.partitions = new PartitionAssigner((topic) => admin.partitions(topic));
    const { lingerMs, maxBatchSize, compression } = options.producer;
    this.compression = COMPRESSION_TYPES[compression];
    if (lingerMs > 0)
      this.batcher = new SendBatcher((records) => this.writeEach(records), lingerMs, maxBatchSize);
  }

  get isConnected(): boolean {
    return this.connected;
  }

  /** Sends one event and resolves with where the broker wrote it. */
  async send<TPayload = unknown>(
    eventName: string,
    payload: TPayload,
    options: SendEventOptions = {},
  ): Promise<SentEventMetadata> {
    const prepared = this.prepare(eventName, payload, options);
    if (!this.options.enabled) return { ...prepared.meta, sent: false, partition: -1, offset: '-1' };
    const record = { topic: prepared.topic, message: prepared.message };
    if (!this.batcher) {
      const [written] = await this.write([record], eventName);
      return sentMetadata(prepared.meta, written);
    }
    try {
      return sentMetadata(prepared.meta, await this.batcher.add(record));
    } catch (error) {
      throw new KafkaSendError(eventName, record.topic, sendFailed(eventName, record.topic, error), {
        cause: error,
      });
    }
  }

  /**
   * Sends several events together: one request per partition, all in parallel. Each event gets its own id,
   * headers, partition and offset. If any partition's request fails the call rejects, and events of other
   * partitions may have been written: retrying the batch can duplicate them (consumers are at-least-once).
   */
  async sendBatch(events: readonly BatchEvent[]): Promise<SentEventMetadata[]> {
    const prepared = events.map((e) => this.prepare(e.eventName, e.payload, e.options ?? {}));
    if (!this.options.enabled || prepared.length === 0) {
      return prepared.map((p) => ({ ...p.meta, sent: false, partition: -1, offset: '-1' }));
    }
    const written = await this.write(
      prepared.map((p) => ({ topic: p.topic, message: p.message })),
      [...new Set(prepared.map((p) => p.meta.eventName))].join(', '),
    );
    return prepared.map((p, i) => sentMetadata(p.meta, written[i]));
  }

  /** Raw records (already built headers and bytes): the dead-letter publisher's path to the same producer. */
  async sendRecords(topic: string, messages: Message[]): Promise<WrittenRecord[]> {
    return this.write(
      messages.map((message) => ({ topic, message })),
      `${messages.length} record(s) to ${topic}`,
    );
  }

  /** Connects once; concurrent callers share the attempt, a failed attempt is retried by the next caller. */
  async connect(): Promise<Producer> {
    if (this.producer && this.connected) return this.producer;
    this.connecting ??= this.openProducer().finally(() => (this.connecting = undefined));
    return this.connecting;
  }

  async disconnect(): Promise<void> {
    // Records waiting for the linger window are written before the producer goes.
    await this.batcher?.drain();
    this.closed = true;
    const producer = this.producer;
    this.producer = undefined;
    await this.connecting?.catch(() => undefined);
    await producer?.disconnect();
    this.connected = false;
  }

  private async openProducer(): Promise<Producer> {
    if (this.closed) throw new Error('The Kafka producer is shut down');
    const producer =
      this.producer ??
      this.client.producer({
        idempotent: true,
        maxInFlightRequests: 1,
        allowAutoTopicCreation: false,
        retry: { retries: this.options.producer.retries, maxRetryTime: this.options.producer.maxRetryTimeMs },
      });
    if (!this.producer) {
      this.producer = producer;
      producer.on(producer.events.CONNECT, () => (this.connected = true));
      producer.on(producer.events.DISCONNECT, () => (this.connected = false));
    }
    await producer.connect();
    this.connected = true;
    this.logger.log(`Producer connected to ${this.options.brokers.join(',')}`);
    return producer;
  }

  /** Writes records, one request per partition, and returns each record's partition and offset in order. */
  /** Writes records and returns each record's partition and offset in order, or throws the first failure. */
  private async write(records: OutgoingRecord[], what: string): Promise<WrittenRecord[]> {
    const outcomes = await this.writeEach(records);
    const failed = outcomes.find((o) => !o.ok);
    if (failed && !failed.ok) {
      const topic = [...new Set(records.map((r) => r.topic))].join(',');
      throw new KafkaSendError(what, topic, sendFailed(what, topic, failed.error), { cause: failed.error });
    }
    return outcomes.map((o) => (o as { value: WrittenRecord }).value);
  }

  /**
   * One request per partition, all in parallel. Each record's outcome is its own: a partition whose request
   * fails fails only its records.
   */
  private async writeEach(records: OutgoingRecord[]): Promise<RecordOutcome<WrittenRecord>[]> {
    const outcomes = new Array<RecordOutcome<WrittenRecord>>(records.length);
    const fail = (positions: number[], error: unknown) =>
      positions.forEach((position) => (outcomes[position] = { ok: false, error }));
    let producer: Producer;
    try {
      producer = await this.connect();
    } catch (error) {
      return records.map(() => ({ ok: false, error }));
    }
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
              const [result] = await producer.send({
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
                outcomes[position] = { ok: true, value: { partition, offset } };
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

  private prepare(eventName: string, payload: unknown, options: SendEventOptions): PreparedEvent {
    validateOutgoingEvent(eventName, options.topic, options.headers);
    const topic = options.topic ?? this.topics.topicForEvent(eventName);
    const eventId = options.eventId ?? randomUUID();
    const correlationId =
      options.correlationId ??
      options.headers?.[EventHeaders.CORRELATION_ID] ??
      currentCorrelationId() ??
      eventId;
    const headers = buildEventHeaders({
      eventName,
      eventId,
      correlationId,
      clientId: this.options.clientId,
      extra: options.headers,
    });
    const key = options.key ?? null;
    const value = Buffer.isBuffer(payload) ? payload : JSON.stringify(payload ?? null);
    // Refused here, with a named error, rather than by the broker after the producer's retries.
    const limit = this.options.producer.maxRecordBytes;
    // A UTF-8 byte is at most 3 per UTF-16 unit: only a record that might be too large is measured exactly.
    if (upperBoundBytes(key, value, headers) > limit) {
      const bytes =
        (key === null ? 0 : Buffer.byteLength(key)) + Buffer.byteLength(value) + headersSize(headers) + 64;
      if (bytes > limit) throw new EventTooLargeError(eventName, bytes, limit);
    }
    return {
      topic,
      message: { key, value, headers, partition: options.partition },
      meta: { eventName, eventId, correlationId, topic },
    };
  }
}

function sentMetadata(meta: PreparedEvent['meta'], written: WrittenRecord): SentEventMetadata {
  return {
    sent: true,
    eventName: meta.eventName,
    eventId: meta.eventId,
    correlationId: meta.correlationId,
    topic: meta.topic,
    partition: written.partition,
    offset: written.offset,
  };
}

function upperBoundBytes(
  key: string | Buffer | null,
  value: string | Buffer,
  headers: Record<string, string>,
): number {
  let bound = (key === null ? 0 : key.length * 3) + value.length * 3 + 64;
  for (const name in headers) bound += (name.length + headers[name].length) * 3 + 8;
  return bound;
}
