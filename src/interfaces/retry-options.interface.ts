export interface RetryBackoffOptions {
  /** Delay before the second attempt, in ms. Default 200. */
  initialMs?: number;
  /** Upper bound of any delay, in ms. Default 10000. */
  maxMs?: number;
  /** Growth of the delay per attempt. Default 2. */
  multiplier?: number;
  /** Randomise each delay between half and all of its value, so replicas do not retry in step. Default true. */
  jitter?: boolean;
}

export interface RetryOptions {
  /** Attempts in all, the first included; 1 means no retry. Default 3. */
  attempts?: number;
  backoff?: RetryBackoffOptions;
}

export interface ResolvedRetryPolicy {
  attempts: number;
  initialMs: number;
  maxMs: number;
  multiplier: number;
  jitter: boolean;
}

/** Error classes (matched with instanceof), or a predicate, naming errors that must not be retried. */
export type NonRetryableErrors =
  Array<abstract new (...args: never[]) => Error> | ((error: unknown) => boolean);
