/** How runKeyOrdered treats one batch of records. */
interface KeyOrderedRun<T> {
  /** Most records in flight at once. */
  readonly limit: number;
  /** Records with equal keys run one after another, in batch order; keyless records (null) share one lane. */
  readonly keyOf: (item: T) => string | null;
  /** Handles one record to a final outcome; false to give up: nothing more starts, it stays unfinished. */
  readonly run: (item: T) => Promise<boolean>;
  /** Called in batch order for each record that extends the finished prefix: it and all before it are done. */
  readonly onFinished: (item: T) => void;
  /** false once the partition is lost or the consumer stops: nothing more starts. */
  readonly shouldContinue: () => boolean;
}

/**
 * Runs a batch with records of different keys in parallel and records of one key in order (the Confluent
 * Parallel Consumer's KEY ordering), reporting only the finished prefix, so the committed offset never
 * passes the lowest unfinished record. A record blocked behind its key holds no slot: later records with
 * other keys go ahead. Settles once nothing is in flight; rejects with the first error a run throws.
 */
export function runKeyOrdered<T>(items: readonly T[], options: KeyOrderedRun<T>): Promise<void> {
  const { limit, keyOf, run, onFinished, shouldContinue } = options;
  return new Promise<void>((resolve, reject) => {
    const finished = new Array<boolean>(items.length).fill(false);
    // A key present here has a record in flight; its array holds the records waiting behind it.
    const lanes = new Map<string | null, number[]>();
    let prefix = 0;
    let cursor = 0;
    let running = 0;
    let stopped = false;
    let failed = false;
    let failure: unknown;

    const stop = (error?: unknown, isError = false): void => {
      stopped = true;
      if (isError && !failed) {
        failed = true;
        failure = error;
      }
    };

    const settleIfIdle = (): void => {
      if (running > 0) return;
      if (failed) reject(failure);
      else if (stopped || (cursor === items.length && lanes.size === 0)) resolve();
    };

    const start = (index: number, key: string | null): void => {
      running++;
      run(items[index]).then(
        (ok) => {
          running--;
          if (!ok) stop();
          else {
            finished[index] = true;
            try {
              while (prefix < items.length && finished[prefix]) onFinished(items[prefix++]);
            } catch (error) {
              stop(error, true);
            }
          }
          next(key);
        },
        (error: unknown) => {
          running--;
          stop(error, true);
          next(key);
        },
      );
    };

    // The lane's next record takes the slot its predecessor freed; then fill the other free slots.
    const next = (key: string | null): void => {
      const waiting = lanes.get(key)!;
      if (!stopped && !shouldContinue()) stop();
      if (!stopped && waiting.length > 0) start(waiting.shift()!, key);
      else lanes.delete(key);
      pump();
    };

    const pump = (): void => {
      if (!stopped && !shouldContinue()) stop();
      while (!stopped && running < limit && cursor < items.length) {
        const index = cursor++;
        const key = keyOf(items[index]);
        const waiting = lanes.get(key);
        if (waiting) waiting.push(index);
        else {
          lanes.set(key, []);
          start(index, key);
        }
      }
      settleIfIdle();
    };

    pump();
  });
}
