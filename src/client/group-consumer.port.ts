import type { ConsumedRecord } from '../interfaces/kafka-record.interface';

export interface GroupConsumerOptions {
  groupId: string;
  topics: readonly string[];
  /** Where a group with no committed offset starts: the earliest record (true) or the next one written. */
  fromBeginning: boolean;
  /** Topics read from their earliest record where the group has no committed offset, whatever `fromBeginning` says. */
  fromBeginningTopics?: readonly string[];
  sessionTimeout: number;
  heartbeatInterval: number;
  /** true: resolved offsets are committed by the client every `autoCommitIntervalMs`; false: only by `commit`. */
  autoCommit: boolean;
  autoCommitIntervalMs: number;
  /** Partitions whose batches run at the same time. */
  partitionsConsumedConcurrently: number;
  /** How long a fetch waits on the broker for records (Java's fetch.max.wait.ms). */
  maxWaitTimeMs: number;
}

/**
 * The records of one partition, fetched together, and what may be done while they are worked on. The
 * batch is over when the callback given to `run` settles; a rejection makes the client rejoin the group.
 */
export interface ConsumedBatch {
  readonly topic: string;
  readonly partition: number;
  readonly records: readonly ConsumedRecord[];
  /** Keeps the membership alive (a client may send one only when its interval has passed); rejects in a rebalance. */
  heartbeat(): Promise<void>;
  /** false once the consumer is stopping. */
  isRunning(): boolean;
  /** The record at `offset`, and every one before it, is done: auto-commit may commit past it. */
  resolveOffset(offset: string): void;
  /** Commits what was resolved if the auto-commit interval has passed. */
  commitIfDue(): Promise<void>;
  /** Commits this partition now so that consumption resumes after the record at `offset`. */
  commit(offset: string): Promise<void>;
}

/** What a group consumer reports of its life, for status and health. */
export interface GroupConsumerEvents {
  /** Joined the group with this many partitions assigned to this member. */
  joined(assignedPartitions: number): void;
  /** A fetch completed: after a join, the group's start offsets are resolved. */
  fetched(): void;
  rebalancing(): void;
  /** The consumer failed; `restarting` when the client restarts it by itself. */
  crashed(error: Error, restarting: boolean): void;
  stopped(): void;
}

/** One member of one consumer group, subscribed to its topics. */
export interface GroupConsumer {
  /** Connects, subscribes and starts handing batches to `eachBatch`; resolves once running. */
  run(eachBatch: (batch: ConsumedBatch) => Promise<void>): Promise<void>;
  /** Stops (or restarts) fetching from every subscribed topic; the membership stays. */
  pause(): void;
  resume(): void;
  /** Stops fetching, waits for the batches in flight, commits what was resolved and leaves the group. */
  disconnect(): Promise<void>;
}
