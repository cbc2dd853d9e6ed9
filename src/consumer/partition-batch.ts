import type { ConsumedBatch } from '../client/group-consumer.port';
import type { ConsumedRecord } from '../interfaces/kafka-record.interface';
import type { PartitionLease } from '../interfaces/partition-lease.interface';

/** How often a running batch asks the client whether its auto-commit interval has passed. */
const COMMIT_CHECK_MS = 200;

interface PartitionBatchOptions {
  /** Offsets committed by the client on its interval (true), or by this batch after each record (false). */
  autoCommit: boolean;
  /** How often to ask the client for a heartbeat while records finish (see heartbeatCadence). */
  heartbeatEveryMs: number;
}

/**
 * One partition's batch of records while it is worked on: the lease on the partition (heartbeats, and
 * whether the membership still holds), waits that heartbeat, and the commit frontier.
 *
 * The frontier moves as records finish, in offset order: the caller reports a record finished only once every
 * record before it is. Resolving with the client and heartbeating after every record cost more than a trivial
 * handler, so both go by the clock: auto-commit is checked on a timer (which also commits the finished part of
 * a batch while a slow record holds the rest), and a heartbeat is asked for when its cadence has passed. With
 * manual commits each finished record is committed, one commit at a time, the latest finished winning. A
 * failed commit or heartbeat (a rebalance) is rethrown by `settle`/`close`, so the client rejoins at once.
 */
export class PartitionBatch implements PartitionLease {
  readonly topic: string;
  readonly partition: number;
  readonly records: readonly ConsumedRecord[];
  private lost?: unknown;
  private committing?: Promise<void>;
  /** Finished but not yet resolved with the client: resolving waits until something reads it. */
  private unresolved?: string;
  private uncommitted?: string;
  private commitFailure?: unknown;
  private lastBeat = Date.now();
  private readonly commitTimer?: NodeJS.Timeout;

  constructor(
    private readonly batch: ConsumedBatch,
    private readonly options: PartitionBatchOptions,
  ) {
    this.topic = batch.topic;
    this.partition = batch.partition;
    this.records = batch.records;
    if (options.autoCommit) {
      this.commitTimer = setInterval(() => {
        if (this.committing) return;
        this.resolve();
        this.track(this.batch.commitIfDue());
      }, COMMIT_CHECK_MS);
      this.commitTimer.unref();
    }
  }

  /**
   * false once the consumer stops or a heartbeat failed (a rebalance: the partition may be another member's).
   * Not the client's staleness flag: in kafkajs it turns only after a seek, which this library never makes.
   */
  get active(): boolean {
    return this.lost === undefined && this.batch.isRunning();
  }

  /** Why the lease ended, if a heartbeat failed: rethrown after the batch so the client rejoins at once. */
  get lostMembership(): unknown {
    return this.lost;
  }

  heartbeat(): Promise<void> {
    return this.batch.heartbeat().catch((error: unknown) => {
      this.lost ??= error;
      throw error;
    });
  }

  async wait(ms: number): Promise<boolean> {
    const until = Date.now() + ms;
    while (Date.now() < until) {
      if (!this.active) return false;
      await new Promise((resolve) =>
        setTimeout(resolve, Math.min(this.options.heartbeatEveryMs, until - Date.now())),
      );
      try {
        await this.heartbeat();
      } catch {
        return false;
      }
    }
    return this.active;
  }

  /**
   * The record at `offset` is handled or parked, and so is every record before it in the batch. Returns the
   * heartbeat it asked for, if its cadence had passed.
   */
  finished(offset: string): Promise<void> | undefined {
    this.unresolved = offset;
    if (!this.options.autoCommit) {
      this.resolve();
      this.uncommitted = offset;
      if (!this.committing) this.commitUncommitted();
    }
    const now = Date.now();
    if (now - this.lastBeat >= this.options.heartbeatEveryMs) {
      this.lastBeat = now;
      return this.heartbeat();
    }
    return undefined;
  }

  /** Waits for the commits in flight (manual mode: up to the last finished record); rethrows their failure. */
  async settle(): Promise<void> {
    while (this.committing) await this.committing;
    if (this.commitFailure !== undefined) throw this.commitFailure;
  }

  /** The batch is over: resolves the last finished record, stops the commit checks, then as `settle`. */
  async close(): Promise<void> {
    clearInterval(this.commitTimer);
    this.resolve();
    await this.settle();
  }

  /** The client's resolve parses offsets: once per commit check, not once per record. */
  private resolve(): void {
    if (this.unresolved === undefined) return;
    this.batch.resolveOffset(this.unresolved);
    this.unresolved = undefined;
  }

  private commitUncommitted(): void {
    const offset = this.uncommitted;
    if (offset === undefined) return;
    this.uncommitted = undefined;
    this.track(this.batch.commit(offset).then(() => this.commitUncommitted()));
  }

  private track(commit: Promise<void>): void {
    const tracked: Promise<void> = commit
      .catch((error: unknown) => {
        this.commitFailure ??= error;
      })
      .finally(() => {
        if (this.committing === tracked) this.committing = undefined;
      });
    this.committing = tracked;
  }
}
