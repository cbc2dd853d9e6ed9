import { EventParseError } from '../errors/event-parse.error';
import { NonRetryableError } from '../errors/non-retryable.error';
import { backoffDelay } from '../common/backoff';
import { DEFAULT_RETRY, nonRetryablePredicate, resolveRetryPolicy } from './retry-policy';

describe('retry policy', () => {
  const policy = { attempts: 5, initialMs: 100, maxMs: 1000, multiplier: 2, jitter: false };

  it('doubles the delay after each failed attempt up to the cap', () => {
    expect([1, 2, 3, 4, 5, 6].map((a) => backoffDelay(a, policy))).toEqual([100, 200, 400, 800, 1000, 1000]);
  });

  it('spreads a jittered delay between half and all of it', () => {
    const jittered = { ...policy, jitter: true };
    expect(backoffDelay(3, jittered, () => 0)).toBe(200);
    expect(backoffDelay(3, jittered, () => 1)).toBe(400);
    expect(backoffDelay(3, jittered, () => 0.5)).toBe(300);
  });

  it('lets handler options override the module policy field by field, and false mean one attempt', () => {
    const module = resolveRetryPolicy({ attempts: 6, backoff: { initialMs: 50 } });
    expect(module).toEqual({ ...DEFAULT_RETRY, attempts: 6, initialMs: 50 });
    expect(resolveRetryPolicy({ backoff: { maxMs: 70 } }, module)).toEqual({ ...module, maxMs: 70 });
    expect(resolveRetryPolicy(false, module).attempts).toBe(1);
  });

  it('treats NonRetryableError, ValidationError and unparseable records as not retryable by default', () => {
    const isNonRetryable = nonRetryablePredicate();
    class ClosedOrder extends NonRetryableError {}
    expect(isNonRetryable(new ClosedOrder('closed'))).toBe(true);
    expect(isNonRetryable(Object.assign(new Error('bad'), { name: 'ValidationError' }))).toBe(true);
    expect(isNonRetryable(new EventParseError('invalid-json', 'x'))).toBe(true);
    expect(isNonRetryable(new Error('timeout talking to billing'))).toBe(false);
    expect(isNonRetryable('a string')).toBe(false);
  });

  it('adds error classes and predicates from the module and the handler', () => {
    class Gone extends Error {}
    const isNonRetryable = nonRetryablePredicate(
      [Gone],
      (e) => e instanceof Error && e.message === 'permanent',
    );
    expect(isNonRetryable(new Gone())).toBe(true);
    expect(isNonRetryable(new Error('permanent'))).toBe(true);
    expect(isNonRetryable(new Error('transient'))).toBe(false);
  });
});
