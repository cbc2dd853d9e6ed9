import { Consumer, EachBatchPayload } from 'kafkajs';

/** How often a running batch asks kafkajs whether its auto-commit interval has passed. */
const COMMIT_CHECK_MS = 200;

/**
 * Moves one batch's offsets forward as its records finish, in offset order: resolves each, commits in the
 * group's mode (auto: when kafkajs' interval has passed; manual: the last finished offset, one commit at a
 * time), and heartbeats. Asking kafkajs for a commit and a heartbeat after every record cost more than a
 * trivial handler, so both go by the clock instead: auto-commit is checked on a timer, which also commits the
 * finished part of a batch while a slow record holds the rest of it. A failed commit (a rebalance) is rethrown
 * by `settle`, so kafkajs handles it as if the batch had thrown it.
 */
export class BatchProgress {
  private committing?: Promise<void>;
  /** Finished but not yet resolved with kafkajs: resolving is deferred until something reads it. */
  private unresolved?: string;
  private uncommitted?: string;
  private failure?: unknown;
  private lastBeat = Date.now();
  private readonly commitTimer?: NodeJS.Timeout;

  constructor(
    private readonly payload: EachBatchPayload,
    private readonly consumer: Consumer,
    private readonly autoCommit: boolean,
    private readonly heartbeatEveryMs: number,
    private readonly heartbeat: () => Promise<void>,
  ) {
    if (autoCommit) {
      this.commitTimer = setInterval(() => {
        if (this.committing) return;
        this.resolve();
        this.track(this.payload.commitOffsetsIfNecessary());
      }, COMMIT_CHECK_MS);
      this.commitTimer.unref();
    }
  }

  /** The record at `offset` is handled or parked, and so is every record before it in the batch. */
  finished(offset: string): Promise<void> | undefined {
    this.unresolved = offset;
    const now = Date.now();
    if (!this.autoCommit) {
      this.resolve();
      this.uncommitted = offset;
      if (!this.committing) this.commitUncommitted();
    }
    if (now - this.lastBeat >= this.heartbeatEveryMs) {
      this.lastBeat = now;
      return this.heartbeat();
    }
    return undefined;
  }

  /** The batch is over: resolves the last finished record, stops the commit checks, then as `settle`. */
  async close(): Promise<void> {
    clearInterval(this.commitTimer);
    this.resolve();
    await this.settle();
  }

  /** kafkajs' resolveOffset parses and adds Longs: once per commit check, not once per record. */
  private resolve(): void {
    if (this.unresolved === undefined) return;
    this.payload.resolveOffset(this.unresolved);
    this.unresolved = undefined;
  }

  /** Waits for the commits in flight (manual mode: up to the last finished record); rethrows their failure. */
  async settle(): Promise<void> {
    while (this.committing) await this.committing;
    if (this.failure !== undefined) throw this.failure;
  }

  private commitUncommitted(): void {
    const offset = this.uncommitted;
    if (offset === undefined) return;
    this.uncommitted = undefined;
    const { topic, partition } = this.payload.batch;
    this.track(
      this.consumer
        .commitOffsets([{ topic, partition, offset: (BigInt(offset) + 1n).toString() }])
        .then(() => this.commitUncommitted()),
    );
  }

  private track(commit: Promise<void>): void {
    const tracked: Promise<void> = commit
      .catch((error: unknown) => {
        this.failure ??= error;
      })
      .finally(() => {
        if (this.committing === tracked) this.committing = undefined;
      });
    this.committing = tracked;
  }
}
