/** A header value as clients hand it over: bytes or text, and a list for a header repeated in one record. */
export type RecordHeaderValue = Buffer | string | (Buffer | string)[] | undefined;

export type RecordHeaders = Record<string, RecordHeaderValue>;

/** A record read from a partition. Offsets and timestamps are decimal text: exact past 2^53, and cheap to pass on. */
export interface ConsumedRecord {
  readonly key: Buffer | null;
  readonly value: Buffer | null;
  readonly headers?: RecordHeaders;
  readonly offset: string;
  /** Milliseconds since the epoch. */
  readonly timestamp: string;
}

/** A record to write. `partition` is chosen by the library (see producer/partition-assigner.ts). */
export interface OutgoingRecord {
  key: string | Buffer | null;
  value: string | Buffer | null;
  headers?: RecordHeaders;
  partition?: number;
}

/** One partition of a topic and the broker leading it (-1 while it has no leader). */
export interface PartitionInfo {
  partitionId: number;
  leader: number;
}

/** The offsets bounding a partition's log: the first record still kept, and the next offset to be written. */
export interface PartitionOffsets {
  partition: number;
  low: string;
  high: string;
}
