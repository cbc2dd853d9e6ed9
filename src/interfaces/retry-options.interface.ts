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

/** Decides whether an error thrown by a handler is worth another attempt. */
export type RetryablePredicate = (error: unknown) => boolean;
