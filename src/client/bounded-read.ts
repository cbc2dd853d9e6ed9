import type { ConsumedRecord } from '../interfaces/kafka-record.interface';
import { commitAfter, OffsetCommitter } from './each-batch.adapter';
import type { PartitionEnd, ReadBatch } from './topic-reader.port';

/** One fetched batch as a client's consumer hands it over, with what may be done while it is worked on. */
export interface FetchedBatch {
  partition: number;
  messages: readonly ConsumedRecord[];
  heartbeat(): Promise<void>;
  /** The client's own progress marker, so it does not fetch the batch again. */
  resolveOffset(offset: string): void;
}

/** What a read asks of the client's consumer (kafkajs' and the confluent client's have this shape). */
interface ReadingConsumer extends OffsetCommitter {
  pause(topics: { topic: string; partitions?: number[] }[]): void;
}

/**
 * The bookkeeping of a bounded read that is the same on every client: which partitions still have records
 * below their end, the part of each batch below it, and when the read is over (every end reached, an error,
 * or stopped), pausing and committing through the reader's consumer. The client's reader owns that consumer.
 */
export class BoundedRead {
  readonly done: Promise<void>;
  private readonly ends: Map<number, bigint>;
  private finish!: (error?: unknown) => void;

  constructor(
    private readonly topic: string,
    until: readonly PartitionEnd[],
    private readonly consumer: ReadingConsumer,
    toError: (error: unknown) => Error,
  ) {
    this.ends = new Map(until.map(({ partition, offset }) => [partition, BigInt(offset)]));
    this.done = new Promise<void>((resolve, reject) => {
      this.finish = (error) => (error === undefined ? resolve() : reject(toError(error)));
    });
    // A reader whose connect failed never awaits `done`: a later failure must not go unhandled.
    this.done.catch(() => undefined);
  }

  /** Hands the part of `batch` below its partition's end to `eachBatch`; pauses the partition at its end. */
  async take(batch: FetchedBatch, eachBatch: (batch: ReadBatch) => Promise<void>): Promise<void> {
    const { partition, messages } = batch;
    const end = this.ends.get(partition);
    if (end === undefined) {
      this.pause([partition]);
      return;
    }
    const records = messages.filter((m) => BigInt(m.offset) < end);
    try {
      if (records.length > 0) {
        await eachBatch({
          partition,
          records,
          heartbeat: batch.heartbeat,
          commit: (offset) => commitAfter(this.consumer, this.topic, partition, offset),
        });
        batch.resolveOffset(records[records.length - 1].offset);
      }
    } catch (error) {
      this.stop(error);
      return;
    }
    const last = messages[messages.length - 1];
    if (records.length < messages.length || (last && BigInt(last.offset) >= end - 1n)) {
      this.ends.delete(partition);
      this.pause([partition]);
      if (this.ends.size === 0) this.finish();
    }
  }

  /** Ends the read: with `error`, `done` rejects with it. Fetching stops on every partition. */
  stop(error?: unknown): void {
    this.finish(error);
    this.pause();
  }

  /** Stops fetching these partitions of the topic, or every partition when none are named. */
  private pause(partitions?: number[]): void {
    const { topic } = this;
    this.consumer.pause([partitions ? { topic, partitions } : { topic }]);
  }
}
