import { BoundedRead } from '../bounded-read';
import type { ReadBatch, TopicReader, TopicReaderOptions } from '../topic-reader.port';
import type { ConfluentKafka } from './confluent.api';
import { clientCall, ConnectionRefusals, toClientError } from './confluent-error.mapper';
import { staleHeartbeat } from './confluent-stale-heartbeat';

/** How long a fetch waits on the broker; short, so a read that reached its ends is noticed quickly. */
const MAX_WAIT_MS = 250;

/**
 * A librdkafka consumer in the reader's own group, as the kafkajs reader does (the KafkaJS API has no
 * group-less assignment), with no automatic commits: each partition is read from the group's committed offset
 * and paused at its end, so records written during the read are left for the next one. Offsets are committed
 * only by `commit`.
 */
export class ConfluentTopicReader implements TopicReader {
  private reading?: BoundedRead;

  constructor(
    private readonly kafka: ConfluentKafka,
    private readonly options: TopicReaderOptions,
    private readonly refusals?: ConnectionRefusals,
  ) {}

  async read(eachBatch: (batch: ReadBatch) => Promise<void>): Promise<void> {
    const { groupId, topic } = this.options;
    if (this.options.until.length === 0) return;
    const consumer = this.kafka.consumer({
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
    });
    const read = (this.reading = new BoundedRead(topic, this.options.until, consumer, (error) =>
      toClientError(error, this.refusals),
    ));
    try {
      await clientCall(async () => {
        await consumer.connect();
        await consumer.subscribe({ topics: [topic] });
        await consumer.run({
          eachBatchAutoResolve: false,
          partitionsConsumedConcurrently: 1,
          eachBatch: ({ batch, resolveOffset, isStale }) =>
            read.take(
              {
                partition: batch.partition,
                messages: batch.messages,
                heartbeat: () => staleHeartbeat(isStale(), topic, batch.partition),
                resolveOffset,
              },
              eachBatch,
            ),
        });
      }, this.refusals);
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
