import type { ReadBatch, TopicReader, TopicReaderOptions } from '../topic-reader.port';
import type { ConfluentConsumer, ConfluentKafka } from './confluent.api';
import { clientCall, ConnectionRefusals, toClientError } from './confluent-error.mapper';

/** How long a fetch waits on the broker; short, so a read that reached its ends is noticed quickly. */
const MAX_WAIT_MS = 250;

/**
 * A librdkafka consumer in the reader's own group, as the kafkajs reader does (the KafkaJS API has no
 * group-less assignment), with no automatic commits: each partition is read from the group's committed offset
 * and paused at its end, so records written during the read are left for the next one. Offsets are committed
 * only by `commit`.
 */
export class ConfluentTopicReader implements TopicReader {
  private consumer?: ConfluentConsumer;
  private finish?: (error?: unknown) => void;

  constructor(
    private readonly kafka: ConfluentKafka,
    private readonly options: TopicReaderOptions,
    private readonly refusals?: ConnectionRefusals,
  ) {}

  async read(eachBatch: (batch: ReadBatch) => Promise<void>): Promise<void> {
    const { groupId, topic } = this.options;
    const ends = new Map(this.options.until.map(({ partition, offset }) => [partition, BigInt(offset)]));
    if (ends.size === 0) return;
    const consumer = (this.consumer = this.kafka.consumer({
      'auto.offset.reset': 'earliest',
      kafkaJS: {
        groupId,
        fromBeginning: true,
        autoCommit: false,
        allowAutoTopicCreation: false,
        maxWaitTimeInMs: MAX_WAIT_MS,
        // One member reads every partition; a lost member is noticed soon after a kill.
        sessionTimeout: 10_000,
        heartbeatInterval: 1000,
      },
    }));
    const done = new Promise<void>((resolve, reject) => {
      this.finish = (error) =>
        error === undefined ? resolve() : reject(toClientError(error, this.refusals));
    });
    const reached = (partition: number) => {
      ends.delete(partition);
      consumer.pause([{ topic, partitions: [partition] }]);
      if (ends.size === 0) this.finish?.();
    };
    try {
      await clientCall(async () => {
        await consumer.connect();
        await consumer.subscribe({ topics: [topic] });
        await consumer.run({
          eachBatchAutoResolve: false,
          partitionsConsumedConcurrently: 1,
          eachBatch: async ({ batch, resolveOffset, isStale }) => {
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
                  // librdkafka heartbeats by itself; a batch whose partition was taken away is stale.
                  heartbeat: () =>
                    isStale()
                      ? Promise.reject(
                          new Error(`partition ${topic}[${batch.partition}] was revoked in a rebalance`),
                        )
                      : Promise.resolve(),
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
      }, this.refusals);
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
