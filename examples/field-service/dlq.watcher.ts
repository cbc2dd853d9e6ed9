import { BeforeApplicationShutdown, Inject, Injectable, Logger } from '@nestjs/common';
import { Consumer, IHeaders, Kafka, KafkaMessage, logLevel } from 'kafkajs';
import { EventHeaders } from '../../src';
import { CLIENT_ID, RUN_HEADER, RUN_ID } from './demo.constants';

export const DLQ_WATCHER_OPTIONS = Symbol('field-service:dlq_watcher_options');

export interface DlqWatcherOptions {
  brokers: string[];
  topic: string;
}

export interface DeadLetterRecord {
  key: string | null;
  /** The original event-name header: a parked record keeps its original headers. */
  eventName: string;
  /** The dlq-* headers the library added, as text. */
  dlq: Record<string, string>;
}

/**
 * A plain kafkajs consumer on the dead-letter topic, outside the library: DLQ records keep the original
 * event-name header, so an @EventHandler would see them as the original events. Started by the demo once
 * the topic exists; disconnected before the app shuts down.
 */
@Injectable()
export class DlqWatcher implements BeforeApplicationShutdown {
  private readonly logger = new Logger(DlqWatcher.name);
  private readonly records: DeadLetterRecord[] = [];
  private consumer?: Consumer;

  constructor(@Inject(DLQ_WATCHER_OPTIONS) private readonly options: DlqWatcherOptions) {}

  get received(): readonly DeadLetterRecord[] {
    return this.records;
  }

  get topic(): string {
    return this.options.topic;
  }

  async start(): Promise<void> {
    if (this.consumer) return;
    const kafka = new Kafka({
      clientId: `${CLIENT_ID}-dlq-watcher`,
      brokers: this.options.brokers,
      logLevel: logLevel.WARN,
      logCreator:
        () =>
        ({ level, log }) =>
          level === logLevel.ERROR ? this.logger.error(log.message) : this.logger.warn(log.message),
    });
    // A group of its own per run reads the whole topic; only this run's records count.
    // A short fetch wait: disconnect waits for the fetch in flight (kafkajs' default is 5 s).
    this.consumer = kafka.consumer({ groupId: `${CLIENT_ID}.dlq-watcher.${RUN_ID}`, maxWaitTimeInMs: 500 });
    await this.consumer.connect();
    await this.consumer.subscribe({ topic: this.options.topic, fromBeginning: true });
    await this.consumer.run({ eachMessage: async ({ message }) => this.onRecord(message) });
    this.logger.log(`Watching ${this.options.topic}`);
  }

  async beforeApplicationShutdown(): Promise<void> {
    const consumer = this.consumer;
    this.consumer = undefined;
    if (!consumer) return;
    const startedAt = Date.now();
    await consumer.disconnect();
    this.logger.log(`Stopped in ${Date.now() - startedAt} ms`);
  }

  private onRecord(message: KafkaMessage): void {
    const headers = decode(message.headers);
    if (headers[RUN_HEADER] !== RUN_ID) return;
    const dlq = Object.fromEntries(Object.entries(headers).filter(([name]) => name.startsWith('dlq-')));
    const record: DeadLetterRecord = {
      key: message.key?.toString('utf8') ?? null,
      eventName: headers[EventHeaders.EVENT_NAME] ?? '(none)',
      dlq,
    };
    this.records.push(record);
    const lines = Object.entries(dlq).map(([name, value]) => `  ${name}: ${firstLine(name, value)}`);
    this.logger.warn(
      `Dead letter #${this.records.length}: ${record.eventName} (key ${record.key})\n${lines.join('\n')}`,
    );
  }
}

function decode(headers: IHeaders | undefined): Record<string, string> {
  const text: Record<string, string> = {};
  for (const [name, raw] of Object.entries(headers ?? {})) {
    const value = Array.isArray(raw) ? raw[raw.length - 1] : raw;
    if (value !== undefined) text[name] = Buffer.isBuffer(value) ? value.toString('utf8') : value;
  }
  return text;
}

/** The stack header runs to many lines; its first line says enough in a log. */
function firstLine(name: string, value: string): string {
  if (name !== 'dlq-error-stack') return value;
  const [first, ...rest] = value.split('\n');
  return rest.length ? `${first} (+${rest.length} lines)` : first;
}
