/**
 * The hold a consumer has on one partition while it works on a batch of its records: what a record's work
 * (a handler's retries, a dead-letter write) uses to keep the membership alive and to know when to give up.
 */
export interface PartitionLease {
  /** false once the consumer stops or the partition may have gone to another member: start nothing more. */
  readonly active: boolean;
  /** Keeps the membership alive; rejects in a rebalance (and `active` turns false). */
  heartbeat(): Promise<void>;
  /** Waits `ms`, heartbeating; false as soon as the lease is lost or the consumer stops. */
  wait(ms: number): Promise<boolean>;
}
