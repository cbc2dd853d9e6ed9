/** How a delay grows between tries. */
interface BackoffPolicy {
  initialMs: number;
  maxMs: number;
  multiplier: number;
  /** Spread each delay over [delay/2, delay], so replicas do not retry in step. */
  jitter: boolean;
}

/**
 * Delay after failed try `attempt` (1-based): exponential, capped, and with jitter spread over
 * [delay/2, delay] so it never collapses to zero.
 */
export function backoffDelay(
  attempt: number,
  policy: BackoffPolicy,
  random: () => number = Math.random,
): number {
  const exponential = policy.initialMs * Math.pow(policy.multiplier, attempt - 1);
  const capped = Math.min(policy.maxMs, exponential);
  return policy.jitter ? Math.round(capped / 2 + random() * (capped / 2)) : Math.round(capped);
}

/** The delays of a loop that retries until something recovers: each `next()` waits longer, `reset()` starts over. */
export class Backoff {
  private failures = 0;

  constructor(private readonly policy: BackoffPolicy) {}

  next(): number {
    return backoffDelay(++this.failures, this.policy);
  }

  reset(): void {
    this.failures = 0;
  }
}
