import { nonRetryablePredicate, resolveRetryPolicy } from '../../src/config/retry-policy';
import type { RetryOptions } from '../../src/interfaces/retry-options.interface';
import type { EventHandlerDefinition } from '../../src/routing/event-handler.definition';
import { compileEventPattern } from '../../src/routing/event-pattern';

export type HandlerDefinitionOverrides = Partial<Omit<EventHandlerDefinition, 'retry'>> & {
  /** As a handler's `retry` option, resolved here. */
  retry?: RetryOptions | false;
};

/**
 * A handler as the explorer resolves it at bootstrap, for unit specs: `Billing.onOrderCreated` on
 * `order.created` in group `billing` over topic `orders`, 3 attempts with exact waits (10 ms, then 20 ms).
 */
export function handlerDefinition(
  invoke: EventHandlerDefinition['invoke'],
  overrides: HandlerDefinitionOverrides = {},
): EventHandlerDefinition {
  const { retry, ...rest } = overrides;
  const id = rest.id ?? 'Billing.onOrderCreated';
  const eventName = rest.eventName ?? 'order.created';
  return {
    id,
    eventName,
    pattern: compileEventPattern(eventName, id),
    topics: new Set(['orders']),
    groupId: 'billing',
    fromBeginning: false,
    autoCommit: true,
    keyConcurrency: 1,
    retry: resolveRetryPolicy(
      retry ?? { attempts: 3, backoff: { initialMs: 10, multiplier: 2, jitter: false } },
    ),
    timeoutMs: 0,
    isNonRetryable: nonRetryablePredicate(),
    invoke,
    ...rest,
  };
}
