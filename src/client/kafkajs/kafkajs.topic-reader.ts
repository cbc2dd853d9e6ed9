import { Consumer, Kafka } from 'kafkajs';
import type { ReadBatch, TopicReader, TopicReaderOptions } from '../topic-reader.port';
import { clientCall, toClientError } from './kafkajs-error.mapper';

/** How long a fetch waits on the broker; short, so a read that reached its ends is noticed quickly. */
const MAX_WAIT_MS = 250;

/**
 * A kafkajs consumer in the reader's own group (kafkajs has no group-less assignment), with no automatic
 * commits: each partition is read from the group's committed offset and paused at its end, so records written
 * during the read are left for the next one. Offsets are committed only by `commit`.
 */
export class KafkajsTopicReader implements TopicReader {
  private consumer?: Consumer;
  private finish?: (error?: unknown) => void;

  constructor(
    private readonly kafka: Kafka,
    private readonly options: TopicReaderOptions,
  ) {}

  async read(eachBatch: (batch: ReadBatch) => Promise<void>): Promise<void> {
    const { groupId, topic } = this.options;
    const ends = new Map(this.options.until.map(({ partition, offset }) => [partition, BigInt(offset)]));
    if (ends.size === 0) return;
    const consumer = (this.consumer = this.kafka.consumer({
      groupId,
      allowAutoTopicCreation: false,
      maxWaitTimeInMs: MAX_WAIT_MS,
      // One member reads every partition; a lost member is noticed soon after a kill.
      sessionTimeout: 10_000,
      heartbeatInterval: 1000,
    }));
    const done = new Promise<void>((resolve, reject) => {
      this.finish = (error) => (error === undefined ? resolve() : reject(toClientError(error)));
    });
    const reached = (partition: number) => {
      ends.delete(partition);
      consumer.pause([{ topic, partitions: [partition] }]);
      if (ends.size === 0) this.finish?.();
    };
    consumer.on(consumer.events.CRASH, ({ payload }) => {
      if (!payload.restart) this.finish?.(payload.error);
    });
    try {
      await clientCall(async () => {
        await consumer.connect();
        await consumer.subscribe({ topics: [topic], fromBeginning: true });
        await consumer.run({
          autoCommit: false,
          eachBatchAutoResolve: false,
          eachBatch: async ({ batch, heartbeat, resolveOffset }) => {
            const end = ends.get(batch.partition);
            if (end === undefined) {
              consumer.pause([{ topic, partitions: [batch.partition] }]);
              return;
            }
            const records = batch.messages.filter((m) => BigInt(m.offset) < end);
            try {
              if (records.length > 0) {
                await eachBatch({
                  partition: batch.partition,
                  records,
                  heartbeat,
                  commit: (offset) =>
                    consumer.commitOffsets([
                      { topic, partition: batch.partition, offset: (BigInt(offset) + 1n).toString() },
                    ]),
                });
                resolveOffset(records[records.length - 1].offset);
              }
            } catch (error) {
              this.finish?.(error);
              consumer.pause([{ topic }]);
              return;
            }
            const last = batch.messages[batch.messages.length - 1];
            if (records.length < batch.messages.length || (last && BigInt(last.offset) >= end - 1n)) {
              reached(batch.partition);
            }
          },
        });
      });
      await done;
    } finally {
      this.consumer = undefined;
      await consumer.disconnect().catch(() => undefined);
    }
  }

  stop(): void {
    this.consumer?.pause([{ topic: this.options.topic }]);
    this.finish?.();
  }
}
