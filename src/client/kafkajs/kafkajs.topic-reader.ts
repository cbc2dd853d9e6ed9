import { Kafka } from 'kafkajs';
import { BoundedRead } from '../bounded-read';
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
  private reading?: BoundedRead;

  constructor(
    private readonly kafka: Kafka,
    private readonly options: TopicReaderOptions,
  ) {}

  async read(eachBatch: (batch: ReadBatch) => Promise<void>): Promise<void> {
    const { groupId, topic } = this.options;
    if (this.options.until.length === 0) return;
    const consumer = this.kafka.consumer({
      groupId,
      allowAutoTopicCreation: false,
      maxWaitTimeInMs: MAX_WAIT_MS,
      // One member reads every partition; a lost member is noticed soon after a kill.
      sessionTimeout: 10_000,
      heartbeatInterval: 1000,
    });
    const read = (this.reading = new BoundedRead(topic, this.options.until, consumer, toClientError));
    consumer.on(consumer.events.CRASH, ({ payload }) => {
      if (!payload.restart) read.stop(payload.error);
    });
    try {
      await clientCall(async () => {
        await consumer.connect();
        await consumer.subscribe({ topics: [topic], fromBeginning: true });
        await consumer.run({
          autoCommit: false,
          eachBatchAutoResolve: false,
          eachBatch: ({ batch, heartbeat, resolveOffset }) =>
            read.take(
              {
                partition: batch.partition,
                messages: batch.messages,
                heartbeat,
                resolveOffset,
              },
              eachBatch,
            ),
        });
      });
      await read.done;
    } finally {
      this.reading = undefined;
      await consumer.disconnect().catch(() => undefined);
    }
  }

  stop(): void {
    this.reading?.stop();
  }
}
