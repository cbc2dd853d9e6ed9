import { Logger } from '@nestjs/common';
import { KafkaClientError } from './kafka-client.error';
import type { RecordWriter, TopicRecord, WriteOutcome } from './record-writer.port';

/**
 * The module's one record writer, shared by the producer and the dead-letter publisher: made and connected
 * on first use (so a disabled module makes no client object at all; concurrent callers share the attempt; a
 * failed attempt is tried again by the next caller), and refusing to write once closed, so nothing
 * reconnects during shutdown.
 */
export class SharedRecordWriter implements RecordWriter {
  private readonly logger = new Logger('KafkaProducer');
  private writer?: RecordWriter;
  private connecting?: Promise<void>;
  private closed = false;

  constructor(
    private readonly makeWriter: () => RecordWriter,
    private readonly brokers: readonly string[],
  ) {}

  get isConnected(): boolean {
    return this.writer?.isConnected ?? false;
  }

  connect(): Promise<void> {
    if (this.closed) {
      return Promise.reject(new KafkaClientError('other', false, 'The Kafka producer is shut down'));
    }
    const writer = (this.writer ??= this.makeWriter());
    if (writer.isConnected) return Promise.resolve();
    this.connecting ??= writer
      .connect()
      .then(() => this.logger.log(`Producer connected to ${this.brokers.join(',')}`))
      .finally(() => (this.connecting = undefined));
    return this.connecting;
  }

  async write(records: readonly TopicRecord[]): Promise<WriteOutcome[]> {
    try {
      await this.connect();
    } catch (error) {
      const failure: WriteOutcome = {
        ok: false,
        error:
          error instanceof KafkaClientError
            ? error
            : new KafkaClientError('other', false, String(error), { cause: error }),
      };
      return records.map(() => failure);
    }
    return this.writer!.write(records);
  }

  async disconnect(): Promise<void> {
    this.closed = true;
    await this.connecting?.catch(() => undefined);
    await this.writer?.disconnect();
  }
}
