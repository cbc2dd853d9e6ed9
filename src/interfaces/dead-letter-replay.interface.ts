import type { DeadLetterReason } from './dead-letter.interface';

/** Which DLQ records an operation of DeadLetterService looks at; every field set must match. */
export interface DeadLetterFilter {
  /** The consumer group that parked it (`dlq-consumer-group`). */
  group?: string;
  /** The handler that failed, `Class.method` (`dlq-handler`). */
  handler?: string;
  /** An event name or pattern, as @EventHandler takes it (`order.*`), matched against `dlq-event-name`. */
  event?: string;
  /** The error's name (`dlq-error-name`) or the reason (`dlq-reason`, e.g. `invalid-json`). */
  error?: string;
  /** The topic the record was read from (`dlq-original-topic`). */
  topic?: string;
  /** Parked at or after this time (`dlq-failed-at`). */
  since?: Date;
  /** Parked before this time. */
  until?: Date;
}

/** One DLQ record, decoded: where it is, what failed, and the original record. */
export interface DeadLetterEntry {
  /** Where the DLQ record is. */
  partition: number;
  offset: string;
  group: string;
  handler: string;
  eventName?: string;
  eventId?: string;
  correlationId?: string;
  reason: DeadLetterReason | string;
  errorName: string;
  errorMessage: string;
  failedAt?: Date;
  originalTopic: string;
  originalPartition: number;
  originalOffset: string;
  /** How many times the record had been replayed when it was parked (0: never). */
  replayCount: number;
  /**
   * How many times replays wrote this DLQ record to its group's redelivery topic (0: never), read from that
   * topic's `dlq-replayed-from-*` headers by `list` and `inspect`. A replayed record that failed again is a new
   * DLQ record, whose `replayCount` counts the replay.
   */
  replays: number;
  attempts: number;
  /** The original key and value as UTF-8 text (null for none), and every header as text. */
  key: string | null;
  value: string | null;
  headers: Record<string, string>;
}

export interface DeadLetterListOptions {
  /** At most this many entries (the first ones, in partition then offset order). Default 100. */
  limit?: number;
}

export interface DeadLetterReplayOptions {
  /** Read and count, write nothing (no redelivered record, no progress). */
  dryRun?: boolean;
  /** Replay at most this many records in this run; the rest waits for the next run. */
  limit?: number;
  /** At most this many records per second. Default: as fast as the broker takes them. */
  rate?: number;
  /** A record already replayed this many times is skipped ('replay-limit'). Default 3. */
  maxReplays?: number;
  /** Forget this filter's progress and read the DLQ from its first record again. */
  fromStart?: boolean;
  /** Called after each write with the counts so far (for a progress line). */
  onProgress?: (progress: DeadLetterReplayResult) => void;
}

/** Why a matching record was not replayed. */
export type DeadLetterSkipReason =
  /** Replayed `maxReplays` times already. */
  | 'replay-limit'
  /**
   * Parked because its bytes are not an event (invalid-json, empty-value, missing-event-name): a replay fails
   * alike. Records a handler's schema refused (validation) are replayed: the schema may have been relaxed.
   */
  | 'not-replayable'
  /** No `dlq-consumer-group` or `dlq-handler` header: no route to send it on. */
  | 'no-handler';

export interface DeadLetterReplayResult {
  /** DLQ records read in this run (up to the end offsets taken when it started). */
  scanned: number;
  /** Of those, the ones the filter matched. */
  matched: number;
  /** Written to their group's redelivery topic (with dryRun: that would have been). */
  replayed: number;
  /** Matched but not replayed, by reason. */
  skipped: Partial<Record<DeadLetterSkipReason, number>>;
  dryRun: boolean;
  /** The run stopped at `limit`; records after it wait for the next run. */
  stoppedAtLimit: boolean;
  /**
   * Dry run only: redelivery topics that do not exist for records it counted. A real run stops with
   * RedeliveryTopicMissingError at the first of them: start that group's app with the route on first.
   */
  missingRoutes?: string[];
}
