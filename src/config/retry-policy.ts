import { EventParseError } from '../errors/event-parse.error';
import { KafkaConfigError } from '../errors/kafka-config.error';
import { NonRetryableError } from '../errors/non-retryable.error';
import type { NonRetryableErrors } from '../interfaces/retry-options.interface';
import { ResolvedRetryPolicy, RetryOptions } from '../interfaces/retry-options.interface';
import { invalidSetting } from '../kafka.messages';
import { positive } from './setting-validators';

export const DEFAULT_RETRY: ResolvedRetryPolicy = {
  attempts: 3,
  initialMs: 200,
  maxMs: 10_000,
  multiplier: 2,
  jitter: true,
};

/**
 * A validated policy: `options` over `base` (the module's, for a handler) over the defaults; `false` means
 * one attempt. `setting` names the option in a KafkaConfigError (`retry`, `@EventHandler Class.method retry`).
 */
export function resolveRetryPolicy(
  options: RetryOptions | false | undefined,
  base: ResolvedRetryPolicy = DEFAULT_RETRY,
  setting = 'retry',
): ResolvedRetryPolicy {
  const policy = mergeRetryPolicy(options, base);
  positive(policy.attempts, `${setting}.attempts`);
  positive(policy.initialMs, `${setting}.backoff.initialMs`);
  positive(policy.maxMs, `${setting}.backoff.maxMs`);
  if (!(policy.multiplier >= 1)) {
    throw new KafkaConfigError(
      `${setting}.backoff.multiplier`,
      invalidSetting(`${setting}.backoff.multiplier`, policy.multiplier, 'must be at least 1'),
    );
  }
  return policy;
}

function mergeRetryPolicy(
  options: RetryOptions | false | undefined,
  base: ResolvedRetryPolicy,
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
 * Errors that no retry can fix: NonRetryableError (and subclasses), validation errors (and the arrays
 * validators such as class-validator's validateOrReject reject with), unparseable records.
 */
function isNonRetryableByDefault(error: unknown): boolean {
  if (error instanceof NonRetryableError || error instanceof EventParseError) return true;
  if (Array.isArray(error)) return true;
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
