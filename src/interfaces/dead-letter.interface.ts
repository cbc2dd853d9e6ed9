import type { ConsumedRecord } from './kafka-record.interface';
import type { PartitionLease } from './partition-lease.interface';

export type DeadLetterReason =
  | 'handler-error'
  | 'validation'
  /** A guard on the handler refused the event (EventForbiddenError). */
  | 'forbidden'
  | 'empty-value'
  | 'invalid-json'
  | 'missing-event-name';

/** Why and where one record failed for one handler (or for every handler, when it could not be routed). */
export interface DeadLetterFailure {
  topic: string;
  partition: number;
  offset: string;
  timestamp: string;
  reason: DeadLetterReason;
  error: unknown;
  failedAt: Date;
  groupId: string;
  /** Class.method of the failed handler; empty when the record could not be routed to one. */
  handler: string;
  eventName?: string;
  correlationId?: string;
  attempts: number;
}

/** Where a consumer parks the records it cannot handle. */
export interface DeadLetterSink {
  /** Writes one dead-letter record per failure; true once all are written, false if the lease ended first. */
  park(
    record: ConsumedRecord,
    failures: readonly DeadLetterFailure[],
    lease: PartitionLease,
  ): Promise<boolean>;
}
