import { Inject, Injectable, Logger } from '@nestjs/common';
import { describeKafkaError } from '../client/kafka-client.error';
import { recordSize } from '../common/record-size';
import type { RecordWriter, TopicRecord } from '../client/record-writer.port';
import { ThrottledLogger } from '../common/throttled-logger';
import { Backoff } from '../common/backoff';
import type { ResolvedKafkaOptions } from '../config/kafka-module-options.interface';
import type { DeadLetterFailure, DeadLetterSink } from '../interfaces/dead-letter.interface';
import type { ConsumedRecord } from '../interfaces/kafka-record.interface';
import type { PartitionLease } from '../interfaces/partition-lease.interface';
import { KAFKA_METRICS, KAFKA_OPTIONS, KAFKA_RECORD_WRITER, KAFKA_TRACING } from '../kafka.constants';
import type { MetricsRecorder } from '../telemetry/metrics.recorder';
import { loggable } from '../kafka.messages';
import type { KafkaTracing } from '../telemetry/tracing';
import { MessagingAttributes } from '../telemetry/tracing.attributes';
import { buildDeadLetterHeaders } from './dead-letter.headers';

/**
 * Parks failed records in the dead-letter topic: the original key, value and headers unchanged (so a
 * replay is exact and non-JSON input survives), plus the dlq-* headers. A failed write is retried with
 * backoff for as long as the consumer holds the partition; the caller commits only after it returns true.
 */
@Injectable()
export class DeadLetterPublisher implements DeadLetterSink {
  private readonly logger = new ThrottledLogger(new Logger(DeadLetterPublisher.name));
  private failingSince?: Date;
  private lastError?: string;

  constructor(
    @Inject(KAFKA_OPTIONS) private readonly options: ResolvedKafkaOptions,
    @Inject(KAFKA_RECORD_WRITER) private readonly writer: RecordWriter,
    @Inject(KAFKA_METRICS) private readonly metrics: MetricsRecorder | undefined,
    @Inject(KAFKA_TRACING) private readonly tracing: KafkaTracing | undefined,
  ) {}

  /** Why the DLQ cannot be written right now, or undefined when it can. */
  get unavailable(): { since: Date; error: string } | undefined {
    return this.failingSince ? { since: this.failingSince, error: this.lastError ?? 'unknown' } : undefined;
  }

  async park(
    record: ConsumedRecord,
    failures: readonly DeadLetterFailure[],
    lease: PartitionLease,
  ): Promise<boolean> {
    if (failures.length === 0) return true;
    const span = this.tracing?.startPark(this.options.dlqTopic, record.headers, {
      [MessagingAttributes.CONSUMER_GROUP]: failures[0].groupId,
      [MessagingAttributes.HANDLER]: failures.map((f) => f.handler).join(','),
    });
    if (!span) return this.write(record, failures, lease);
    try {
      const parked = await this.write(record, failures, lease);
      if (parked) span.ok();
      else span.fail(new Error(this.lastError ?? 'the partition was given up before the write succeeded'));
      return parked;
    } catch (error) {
      span.fail(error);
      throw error;
    }
  }

  private async write(
    record: ConsumedRecord,
    failures: readonly DeadLetterFailure[],
    lease: PartitionLease,
  ): Promise<boolean> {
    const records = failures.map((failure) => this.toRecord(record, failure));
    const backoff = new Backoff({ initialMs: 200, maxMs: 10_000, multiplier: 2, jitter: false });
    for (;;) {
      const failed = (await this.writer.write(records)).find((outcome) => !outcome.ok);
      if (!failed) {
        this.recovered();
        for (const f of failures) {
          this.logParked(f);
          this.metrics?.park(f);
        }
        return true;
      }
      const wait = backoff.next();
      this.failingSince ??= new Date();
      this.lastError = describeKafkaError(failed.ok ? undefined : failed.error);
      this.logger.error(
        `Could not write to dead-letter topic ${this.options.dlqTopic} (retrying in ${wait} ms; ` +
          `the record stays uncommitted): ${this.lastError}`,
      );
      if (!(await lease.wait(wait))) return false;
    }
  }

  private recovered(): void {
    if (this.failingSince) this.logger.log(`Dead-letter topic ${this.options.dlqTopic} is writable again`);
    this.failingSince = undefined;
    this.lastError = undefined;
  }

  private logParked(f: DeadLetterFailure): void {
    this.logger.warn(
      `Parked ${f.topic}[${f.partition}]@${f.offset} (${loggable(f.eventName ?? 'no event name')}) in ` +
        `${this.options.dlqTopic}: ${f.reason}${f.handler ? ` in ${f.handler}` : ''}: ` +
        loggable(f.error instanceof Error ? f.error.message : String(f.error)),
    );
  }

  private toRecord(record: ConsumedRecord, failure: DeadLetterFailure): TopicRecord {
    const original = { ...record.headers };
    const added = buildDeadLetterHeaders(failure, {
      includeStack: this.options.deadLetter.includeStack,
      maxStackBytes: this.options.deadLetter.maxStackBytes,
      budgetBytes: this.options.deadLetter.maxRecordBytes - recordSize(record.key, record.value, original),
    });
    return {
      topic: this.options.dlqTopic,
      key: record.key,
      value: record.value,
      headers: { ...original, ...added },
    };
  }
}
