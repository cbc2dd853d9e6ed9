import type { ConsumedRecord } from '../interfaces/kafka-record.interface';

/** Where reading one partition stops: the first offset not read (a topic's end offset, taken beforehand). */
export interface PartitionEnd {
  partition: number;
  offset: string;
}

export interface TopicReaderOptions {
  /** The group whose committed offsets are where reading starts, and where `commit` records progress. */
  groupId: string;
  topic: string;
  /** The partitions to read, each up to (not including) its offset; a partition not listed is not read. */
  until: readonly PartitionEnd[];
}

/** Records of one partition below its end, in offset order, and what may be done while they are worked on. */
export interface ReadBatch {
  readonly partition: number;
  readonly records: readonly ConsumedRecord[];
  /** Keeps the reader's membership alive during slow work; rejects in a rebalance. */
  heartbeat(): Promise<void>;
  /** Records that reading resumes after the record at `offset`, for this run and the next one. */
  commit(offset: string): Promise<void>;
}

/**
 * Reads a topic between a group's committed offsets (the earliest record where it has none) and fixed end
 * offsets, never further: what is written while it reads waits for the next read.
 */
export interface TopicReader {
  /**
   * Hands each batch to `eachBatch`, one at a time, and resolves once every listed partition reached its end,
   * or `stop()` was called; rejects with the first error `eachBatch` throws (nothing after it is read).
   */
  read(eachBatch: (batch: ReadBatch) => Promise<void>): Promise<void>;
  /** Ends a read early, after the batch in flight. */
  stop(): void;
}
