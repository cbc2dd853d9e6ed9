import type { ConsumedBatch, GroupConsumer } from '../client/group-consumer.port';
import type { KafkaClientFactory } from '../client/kafka-client.port';
import type { RecordWriter, TopicRecord, WriteOutcome } from '../client/record-writer.port';
import { decodeHeaders } from '../routing/event-record.parser';
import type { KafkaTestTransport } from './kafka-testing.interfaces';

/** A record the app's writer wrote, with where it landed. */
export interface RecordedWrite {
  readonly topic: string;
  readonly partition: number;
  readonly offset: string;
  readonly key: string | null;
  readonly value: string | null;
  readonly headers: Record<string, string>;
}

/**
 * What the testing harness sees of the app's Kafka traffic, on any client: it wraps the client factory and
 * records every record written (events and dead letters), and for each group and partition the highest
 * offset the consumer resolved or committed, which the library does only once a record is handled or
 * parked. Each change wakes whoever waits on `nextChange`.
 */
export class TestRecorder {
  /** Set from the module's options when KafkaModule's options are made. */
  transport: KafkaTestTransport = 'memory';
  readonly writes: RecordedWrite[] = [];
  private readonly finished = new Map<string, bigint>();
  private waiters: (() => void)[] = [];

  /** The client `inner` makes, with its writes and consumer progress recorded here. */
  wrap(inner: KafkaClientFactory): KafkaClientFactory {
    return {
      create: (config) => {
        const client = inner.create(config);
        return {
          recordWriter: (options) => this.writer(client.recordWriter(options)),
          groupConsumer: (options, events) =>
            this.consumer(options.groupId, client.groupConsumer(options, events)),
          admin: () => client.admin(),
          topicReader: (options) => client.topicReader(options),
        };
      },
    };
  }

  /** The highest offset of a partition the group is done with, if any. */
  finishedThrough(groupId: string, topic: string, partition: number): bigint | undefined {
    return this.finished.get(`${groupId}\0${topic}\0${partition}`);
  }

  nextChange(): Promise<void> {
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  clearWrites(): void {
    this.writes.length = 0;
  }

  private notify(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const wake of waiters) wake();
  }

  private markFinished(groupId: string, topic: string, partition: number, offset: string): void {
    const key = `${groupId}\0${topic}\0${partition}`;
    const value = BigInt(offset);
    const before = this.finished.get(key);
    if (before === undefined || value > before) this.finished.set(key, value);
    this.notify();
  }

  private writer(inner: RecordWriter): RecordWriter {
    return {
      get isConnected() {
        return inner.isConnected;
      },
      connect: () => inner.connect(),
      disconnect: () => inner.disconnect(),
      write: async (records: readonly TopicRecord[]): Promise<WriteOutcome[]> => {
        const outcomes = await inner.write(records);
        outcomes.forEach((outcome, i) => {
          if (!outcome.ok) return;
          const record = records[i];
          this.writes.push({
            topic: record.topic,
            partition: outcome.partition,
            offset: outcome.offset,
            key: text(record.key),
            value: text(record.value),
            headers: decodeHeaders(record.headers),
          });
        });
        if (outcomes.some((o) => o.ok)) this.notify();
        return outcomes;
      },
    };
  }

  private consumer(groupId: string, inner: GroupConsumer): GroupConsumer {
    const finished = (batch: ConsumedBatch, offset: string) =>
      this.markFinished(groupId, batch.topic, batch.partition, offset);
    return {
      run: (eachBatch) =>
        inner.run((batch) =>
          eachBatch({
            topic: batch.topic,
            partition: batch.partition,
            records: batch.records,
            heartbeat: () => batch.heartbeat(),
            isRunning: () => batch.isRunning(),
            resolveOffset: (offset) => {
              batch.resolveOffset(offset);
              finished(batch, offset);
            },
            commitIfDue: () => batch.commitIfDue(),
            commit: async (offset) => {
              await batch.commit(offset);
              finished(batch, offset);
            },
          }),
        ),
      pause: () => inner.pause(),
      resume: () => inner.resume(),
      disconnect: () => inner.disconnect(),
    };
  }
}

function text(value: string | Buffer | null): string | null {
  return value === null ? null : value.toString();
}
