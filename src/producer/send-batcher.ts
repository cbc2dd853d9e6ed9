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
 * kafkajs has no linger.ms: each send() is a request. This collects the records of concurrent send() calls
 * for up to `lingerMs` (or until `maxBatchSize` are waiting) and writes them together, while each caller still
 * gets its own record's outcome.
 */
export class SendBatcher<T> {
  private pending: Pending<T>[] = [];
  private timer?: NodeJS.Timeout;
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
    this.timer = undefined;
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
      .finally(() => this.inFlight.delete(done));
    this.inFlight.add(done);
  }
}
