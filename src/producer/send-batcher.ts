import { Message } from 'kafkajs';

export interface OutgoingRecord {
  topic: string;
  message: Message;
}

/** Per record, where it was written, or why not. */
export type RecordOutcome<T> = { ok: true; value: T } | { ok: false; error: unknown };

interface Pending<T> {
  record: OutgoingRecord;
  resolve: (value: T) => void;
  reject: (error: unknown) => void;
}

/**
 * kafkajs has no linger.ms: each send() is a request. This writes the records of concurrent send() calls
 * together, while each caller still gets its own record's outcome:
 * - with no write in flight, what arrived in the same tick goes at once (a lone caller never waits);
 * - while a write is in flight, records gather until it ends, `lingerMs` passes or `maxBatchSize` wait.
 */
export class SendBatcher<T> {
  private pending: Pending<T>[] = [];
  private timer?: NodeJS.Timeout;
  private immediate?: NodeJS.Immediate;
  private inFlight = new Set<Promise<void>>();

  constructor(
    private readonly write: (records: OutgoingRecord[]) => Promise<RecordOutcome<T>[]>,
    private readonly lingerMs: number,
    private readonly maxBatchSize: number,
  ) {}

  add(record: OutgoingRecord): Promise<T> {
    return new Promise<T>((resolve, reject) => {
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
            outcome.ok ? batch[i].resolve(outcome.value) : batch[i].reject(outcome.error),
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
