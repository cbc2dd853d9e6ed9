import { Inject, Injectable } from '@nestjs/common';
import { describeKafkaError, KafkaClientError } from '../client/kafka-client.error';
import type { RecordWriter, TopicRecord, WriteOutcome } from '../client/record-writer.port';
import type { ResolvedKafkaOptions } from '../config/kafka-module-options.interface';
import { TopicResolver } from '../config/topic.resolver';
import { currentCorrelationId } from '../context/event-context.storage';
import { KafkaProducerNotReadyError } from '../errors/kafka-producer-not-ready.error';
import { KafkaSendError } from '../errors/kafka-send.error';
import type { EventPayload } from '../interfaces/event-schema.interface';
import type { BatchEvent, SendEventOptions, SentEventMetadata } from '../interfaces/send-options.interface';
import { KAFKA_METRICS, KAFKA_OPTIONS, KAFKA_RECORD_WRITER, KAFKA_TRACING } from '../kafka.constants';
import type { MetricsRecorder } from '../telemetry/metrics.recorder';
import { producerNotReady, sendFailed } from '../kafka.messages';
import type { KafkaTracing, TracedOperation } from '../telemetry/tracing';
import { writtenAttributes } from '../telemetry/tracing.attributes';
import { buildEventRecord, checkRecordSize, EventRecord, EventRecordSettings } from './event-record.builder';
import { SendBatcher, WrittenRecord } from './send-batcher';

/**
 * Sends events. The topic comes from the event's domain through the topic mapping (or options.topic);
 * every record carries event-name, event-id, correlation-id, content-type and client-id headers.
 * Concurrent send() calls are written together (see send-batcher.ts); each caller gets its own outcome.
 */
@Injectable()
export class KafkaProducerService {
  private readonly settings: EventRecordSettings;
  private readonly batcher?: SendBatcher<TopicRecord>;
  /** The last failed attempt to connect to the cluster (the background startup's or a send's own), if any. */
  private connectFailure?: unknown;

  /** @internal Made by Nest's injector. */
  constructor(
    @Inject(KAFKA_OPTIONS) private readonly options: ResolvedKafkaOptions,
    @Inject(KAFKA_RECORD_WRITER) private readonly writer: RecordWriter,
    topics: TopicResolver,
    @Inject(KAFKA_METRICS) private readonly metrics: MetricsRecorder | undefined,
    @Inject(KAFKA_TRACING) private readonly tracing: KafkaTracing | undefined,
  ) {
    this.settings = {
      clientId: options.clientId,
      maxRecordBytes: options.producer.maxRecordBytes,
      topicFor: (eventName) => topics.topicForEvent(eventName),
      inheritedCorrelationId: currentCorrelationId,
    };
    const { lingerMs, maxBatchSize } = options.producer;
    if (lingerMs > 0) {
      this.batcher = new SendBatcher((records) => this.writer.write(records), lingerMs, maxBatchSize);
    }
  }

  /**
   * @internal The background startup could not reach the cluster (`error`), or did (undefined): a send that
   * then times out waiting for the producer names that reason instead of the timeout alone.
   */
  connectionFailed(error: unknown): void {
    this.connectFailure = error;
  }

  /** true while the producer is connected to the cluster. */
  get isConnected(): boolean {
    return this.writer.isConnected;
  }

  /**
   * Sends one event and resolves with where the broker wrote it. With the event in KafkaEventMap (declaration
   * merging), the payload is checked against its type.
   */
  async send<const TName extends string>(
    eventName: TName,
    payload: EventPayload<TName>,
    options: SendEventOptions = {},
  ): Promise<SentEventMetadata> {
    const event = buildEventRecord(eventName, payload, options, this.settings);
    if (!this.options.enabled) return notSent(event);
    if (!this.metrics) return this.traced(event);
    return measured(this.metrics, [event.record.topic], () => this.traced(event));
  }

  /** The send inside its PRODUCER span, when traced. */
  private async traced(event: EventRecord): Promise<SentEventMetadata> {
    const span = this.traceSend(event);
    if (!span) return this.write(event);
    try {
      const result = await this.write(event);
      span.ok(writtenAttributes(result.partition, result.offset));
      return result;
    } catch (error) {
      span.fail(error);
      throw error;
    }
  }

  /** One event, through the batcher when lingerMs > 0: its outcome comes when the broker acknowledged it. */
  private async write(event: EventRecord): Promise<SentEventMetadata> {
    const { eventName } = event.meta;
    const { topic } = event.record;
    if (!this.writer.isConnected) await this.ready(eventName, topic);
    if (!this.batcher)
      return sent(event, written(eventName, topic, await this.writer.write([event.record]))[0]);
    try {
      return sent(event, await this.batcher.add(event.record));
    } catch (error) {
      throw sendError(eventName, topic, error);
    }
  }

  /** The event's PRODUCER span, its context injected into the record's headers; undefined when not traced. */
  private traceSend({ record, meta }: EventRecord): TracedOperation | undefined {
    const span = this.tracing?.startSend(record.headers ?? (record.headers = {}), {
      topic: record.topic,
      key: record.key,
      clientId: this.options.clientId,
      eventName: meta.eventName,
      eventId: meta.eventId,
      correlationId: meta.correlationId,
    });
    if (!span) return undefined;
    try {
      // traceparent and tracestate count towards the broker's limit too.
      checkRecordSize(meta.eventName, record, this.options.producer.maxRecordBytes);
    } catch (error) {
      span.fail(error);
      throw error;
    }
    return span;
  }

  /**
   * Sends several events together: one request per partition, all in parallel. Each event gets its own id,
   * headers, partition and offset. If any partition's request fails the call rejects, and events of other
   * partitions may have been written: retrying the batch can duplicate them (consumers are at-least-once).
   */
  async sendBatch(events: readonly BatchEvent[]): Promise<SentEventMetadata[]> {
    const built = events.map((e) => buildEventRecord(e.eventName, e.payload, e.options ?? {}, this.settings));
    if (!this.options.enabled || built.length === 0) return built.map(notSent);
    if (!this.metrics) return this.writeBatch(built);
    return measured(
      this.metrics,
      built.map((e) => e.record.topic),
      () => this.writeBatch(built),
    );
  }

  private async writeBatch(built: EventRecord[]): Promise<SentEventMetadata[]> {
    const what = [...new Set(built.map((e) => e.meta.eventName))].join(', ');
    const topics = [...new Set(built.map((e) => e.record.topic))].join(',');
    const spans: (TracedOperation | undefined)[] = [];
    try {
      if (this.tracing) for (const event of built) spans.push(this.traceSend(event));
      if (!this.writer.isConnected) await this.ready(what, topics);
      const outcomes = await this.writer.write(built.map((e) => e.record));
      // Each span ends with its own record's outcome, before a failure elsewhere rejects the call.
      spans.forEach((span, i) => {
        const outcome = outcomes[i];
        if (outcome.ok) span?.ok(writtenAttributes(outcome.partition, outcome.offset));
        else span?.fail(sendError(what, topics, outcome.error));
      });
      const places = written(what, topics, outcomes);
      return built.map((event, i) => sent(event, places[i]));
    } catch (error) {
      // Spans already ended keep their outcome; the others (an event too large after the trace headers, a
      // producer not ready in time, a write that threw) end with this error.
      spans.forEach((span) => span?.fail(error));
      throw error;
    }
  }

  /**
   * A send made before the producer connected (the library connects in the background, so startup never
   * waits on the broker) waits for it up to `producer.readyTimeoutMs`, then fails with
   * KafkaProducerNotReadyError; a connection attempt that fails first fails the send with its own reason.
   */
  private async ready(what: string, topic: string): Promise<void> {
    const waitMs = this.options.producer.readyTimeoutMs;
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<'late'>((resolve) => (timer = setTimeout(() => resolve('late'), waitMs)));
    try {
      const connecting = this.writer.connect().then(
        () => (this.connectFailure = undefined),
        (error: unknown) => {
          this.connectFailure = error;
          throw error;
        },
      );
      const first = await Promise.race([connecting.then(() => 'connected' as const), late]);
      if (first === 'late') {
        // The attempt goes on in the background; its failure, if it comes, is kept for the next send.
        connecting.catch(() => undefined);
        const cause = this.connectFailure;
        const last =
          cause === undefined ? undefined : { reason: describeKafkaError(cause), refused: isRefusal(cause) };
        const reason = producerNotReady(this.options.brokers, waitMs, last);
        throw new KafkaProducerNotReadyError(what, topic, sendFailed(what, topic, reason), waitMs, { cause });
      }
    } catch (error) {
      throw error instanceof KafkaSendError ? error : sendError(what, topic, error);
    } finally {
      clearTimeout(timer);
    }
  }

  /** Writes the events that wait for the linger window now, and waits for every send in flight. */
  async flush(): Promise<void> {
    await this.batcher?.drain();
  }
}

/**
 * Runs one send and records it: per topic, the records (with error.type when the send failed) and the
 * send's duration. A batch that fails counts all its records as failed: send() rejects for all of them.
 */
async function measured<T>(metrics: MetricsRecorder, topics: string[], write: () => Promise<T>): Promise<T> {
  const started = performance.now();
  let failure: unknown;
  try {
    return await write();
  } catch (error) {
    failure = error ?? new Error(String(error));
    throw error;
  } finally {
    const seconds = (performance.now() - started) / 1000;
    const counts = new Map<string, number>();
    for (const topic of topics) counts.set(topic, (counts.get(topic) ?? 0) + 1);
    for (const [topic, count] of counts) metrics.send(topic, count, seconds, failure);
  }
}

/** Every record's place, or KafkaSendError for the first that failed. */
function written(what: string, topic: string, outcomes: WriteOutcome[]): WrittenRecord[] {
  const failed = outcomes.find((o) => !o.ok);
  if (failed && !failed.ok) throw sendError(what, topic, failed.error);
  return outcomes as WrittenRecord[];
}

/** A failure that waiting does not cure: the cluster refused the credentials, the certificates or the access. */
function isRefusal(error: unknown): boolean {
  for (let e: unknown = error, depth = 0; e instanceof Error && depth < 10; depth++) {
    if (e instanceof KafkaClientError) return e.kind !== 'unreachable' && e.kind !== 'other';
    e = (e as { cause?: unknown }).cause;
  }
  return false;
}

function sendError(what: string, topic: string, cause: unknown): KafkaSendError {
  return new KafkaSendError(what, topic, sendFailed(what, topic, describeKafkaError(cause)), { cause });
}

function sent({ meta }: EventRecord, { partition, offset }: WrittenRecord): SentEventMetadata {
  return {
    sent: true,
    eventName: meta.eventName,
    eventId: meta.eventId,
    correlationId: meta.correlationId,
    topic: meta.topic,
    partition,
    offset,
  };
}

function notSent({ meta }: EventRecord): SentEventMetadata {
  return { ...meta, sent: false, partition: -1, offset: '-1' };
}
