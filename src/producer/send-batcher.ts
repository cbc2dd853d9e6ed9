import type { WriteOutcome } from '../client/record-writer.port';

/** Where the broker wrote one record. */
export type WrittenRecord = Extract<WriteOutcome, { ok: true }>;

interface Pending<R> {
  record: R;
  resolve: (written: WrittenRecord) => void;
  reject: (error: unknown) => void;
}

/**
 * kafkajs has no linger.ms: each send() is a request. This writes the records of concurrent send() calls
 * together, while each caller still gets its own record's outcome:
 * - with no write in flight, what arrived in the same tick goes at once (a lone caller never waits);
 * - while a write is in flight, records gather until it ends, `lingerMs` passes or `maxBatchSize` wait.
 */
export class SendBatcher<R> {
  private pending: Pending<R>[] = [];
  private timer?: NodeJS.Timeout;
  private immediate?: NodeJS.Immediate;
  private inFlight = new Set<Promise<void>>();

  constructor(
    private readonly write: (records: R[]) => Promise<WriteOutcome[]>,
    private readonly lingerMs: number,
    private readonly maxBatchSize: number,
  ) {}

  add(record: R): Promise<WrittenRecord> {
    return new Promise<WrittenRecord>((resolve, reject) => {
      this.pending.push({ record, resolve, reject });
      if (this.pending.length >= this.maxBatchSize) this.flush();
      else if (this.inFlight.size === 0) this.immediate ??= setImmediate(() => this.flush());
      else this.timer ??= setTimeout(() => this.flush(), this.lingerMs);
    });
  }

  /** Writes what is waiting now and waits for every write still in flight (used at shutdown). */
  async drain(): Promise<void> {
    this.flush();
    await Promise.all([...this.inFlight]);
  }

  private flush(): void {
    if (this.timer) clearTimeout(this.timer);
    if (this.immediate) clearImmediate(this.immediate);
    this.timer = undefined;
    this.immediate = undefined;
    const batch = this.pending;
    this.pending = [];
    if (batch.length === 0) return;
    const done = this.write(batch.map((p) => p.record))
      .then(
        (outcomes) =>
          outcomes.forEach((outcome, i) =>
            outcome.ok ? batch[i].resolve(outcome) : batch[i].reject(outcome.error),
          ),
        (error: unknown) => batch.forEach((p) => p.reject(error)),
      )
      .finally(() => {
        this.inFlight.delete(done);
        // What gathered while this write was out goes now rather than at the end of the linger window.
        if (this.pending.length > 0 && this.inFlight.size === 0) this.flush();
      });
    this.inFlight.add(done);
  }
}
