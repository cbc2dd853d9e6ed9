import { Inject, Injectable, Logger } from '@nestjs/common';
import { IHeaders, KafkaMessage } from 'kafkajs';
import { PartitionControl } from '../interfaces/partition-control.interface';
import { loggable } from '../producer/event-validation';
import { ResolvedKafkaOptions } from '../interfaces/kafka-module-options.interface';
import { KAFKA_OPTIONS } from '../kafka.constants';
import { KafkaProducerService } from '../producer/kafka-producer.service';
import { buildDeadLetterHeaders, DeadLetterFailure, headersSize } from './dead-letter.headers';

const FIRST_BACKOFF_MS = 200;
const MAX_BACKOFF_MS = 10_000;

/**
 * Parks failed records in the dead-letter topic: the original key, value and headers unchanged (so a
 * replay is exact and non-JSON input survives), plus the dlq-* headers. A failed write is retried with
 * backoff for as long as the consumer owns the partition; the caller commits only after it returns true.
 */
@Injectable()
export class DeadLetterPublisher {
  private readonly logger = new Logger(DeadLetterPublisher.name);
  private failingSince?: Date;
  private lastError?: string;

  constructor(
    @Inject(KAFKA_OPTIONS) private readonly options: ResolvedKafkaOptions,
    private readonly producer: KafkaProducerService,
  ) {}

  /** Why the DLQ cannot be written right now, or undefined when it can. */
  get unavailable(): { since: Date; error: string } | undefined {
    return this.failingSince ? { since: this.failingSince, error: this.lastError ?? 'unknown' } : undefined;
  }

  /** Writes one DLQ record per failure; true once all are written, false if told to give up first. */
  async park(
    message: KafkaMessage,
    failures: readonly DeadLetterFailure[],
    control: PartitionControl,
  ): Promise<boolean> {
    if (failures.length === 0) return true;
    const records = failures.map((failure) => this.toRecord(message, failure));
    let backoff = FIRST_BACKOFF_MS;
    for (;;) {
      try {
        await this.producer.sendRecords(this.options.dlqTopic, records);
        if (this.failingSince)
          this.logger.log(`Dead-letter topic ${this.options.dlqTopic} is writable again`);
        this.failingSince = undefined;
        this.lastError = undefined;
        for (const f of failures) {
          this.logger.warn(
            `Parked ${f.topic}[${f.partition}]@${f.offset} (${loggable(f.eventName ?? 'no event name')}) in ` +
              `${this.options.dlqTopic}: ${f.reason}${f.handler ? ` in ${f.handler}` : ''}: ` +
              loggable(f.error instanceof Error ? f.error.message : String(f.error)),
          );
        }
        return true;
      } catch (error) {
        this.failingSince ??= new Date();
        this.lastError = error instanceof Error ? error.message : String(error);
        this.logger.error(
          `Could not write to dead-letter topic ${this.options.dlqTopic} (retrying in ${backoff} ms; ` +
            `the record stays uncommitted): ${this.lastError}`,
        );
      }
      if (!control.shouldContinue()) return false;
      await delay(backoff);
      backoff = Math.min(backoff * 2, MAX_BACKOFF_MS);
      if (!control.shouldContinue()) return false;
      await control.heartbeat();
    }
  }

  private toRecord(message: KafkaMessage, failure: DeadLetterFailure) {
    const original: IHeaders = { ...(message.headers ?? {}) };
    const used = (message.key?.length ?? 0) + (message.value?.length ?? 0) + headersSize(original) + 256;
    const added = buildDeadLetterHeaders(failure, {
      includeStack: this.options.deadLetter.includeStack,
      maxStackBytes: this.options.deadLetter.maxStackBytes,
      budgetBytes: this.options.deadLetter.maxRecordBytes - used,
    });
    return { key: message.key ?? null, value: message.value ?? null, headers: { ...original, ...added } };
  }
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
