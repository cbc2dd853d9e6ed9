import { EventParseError } from '../errors/event-parse.error';
import { NonRetryableError } from '../errors/non-retryable.error';
import type { NonRetryableErrors } from '../interfaces/kafka-module-options.interface';
import { ResolvedRetryPolicy, RetryOptions } from '../interfaces/retry-options.interface';

export const DEFAULT_RETRY: ResolvedRetryPolicy = {
  attempts: 3,
  initialMs: 200,
  maxMs: 10_000,
  multiplier: 2,
  jitter: true,
};

/** A handler's policy: its own options over the module's, over the defaults; `false` means one attempt. */
export function resolveRetryPolicy(
  options: RetryOptions | false | undefined,
  base: ResolvedRetryPolicy = DEFAULT_RETRY,
): ResolvedRetryPolicy {
  if (options === false) return { ...base, attempts: 1 };
  return {
    attempts: options?.attempts ?? base.attempts,
    initialMs: options?.backoff?.initialMs ?? base.initialMs,
    maxMs: options?.backoff?.maxMs ?? base.maxMs,
    multiplier: options?.backoff?.multiplier ?? base.multiplier,
    jitter: options?.backoff?.jitter ?? base.jitter,
  };
}

/**
 * Delay after failed attempt `attempt` (1-based): exponential, capped, and with jitter spread over
 * [delay/2, delay] so it never collapses to zero.
 */
export function backoffDelay(
  attempt: number,
  policy: ResolvedRetryPolicy,
  random: () => number = Math.random,
): number {
  const exponential = policy.initialMs * Math.pow(policy.multiplier, attempt - 1);
  const capped = Math.min(policy.maxMs, exponential);
  return policy.jitter ? Math.round(capped / 2 + random() * (capped / 2)) : Math.round(capped);
}

/** Errors that no retry can fix: NonRetryableError (and subclasses), validation errors, unparseable records. */
export function isNonRetryableByDefault(error: unknown): boolean {
  if (error instanceof NonRetryableError || error instanceof EventParseError) return true;
  return error instanceof Error && error.name === 'ValidationError';
}

/** One predicate from the defaults and any number of class lists or predicates (module's, handler's). */
export function nonRetryablePredicate(
  ...sources: (NonRetryableErrors | undefined)[]
): (error: unknown) => boolean {
  const checks = sources
    .filter((s): s is NonRetryableErrors => s !== undefined)
    .map((s) => (typeof s === 'function' ? s : (error: unknown) => s.some((type) => error instanceof type)));
  return (error) => isNonRetryableByDefault(error) || checks.some((check) => check(error));
}
