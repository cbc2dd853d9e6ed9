import type { ResolvedKafkaOptions } from '../config/kafka-module-options.interface';
import { nonRetryablePredicate, resolveRetryPolicy } from '../config/retry-policy';
import { nonNegative, positive } from '../config/setting-validators';
import { EventHandlerDefinitionError } from '../errors/event-handler-definition.error';
import type { EventContext } from '../interfaces/event-context.interface';
import type { EventHandlerOptions } from '../interfaces/event-handler-options.interface';
import type { ResolvedRetryPolicy } from '../interfaces/retry-options.interface';
import { conflictingGroupOption } from '../kafka.messages';
import type { ConsumerGroupDefinition, EventHandlerDefinition } from '../routing/event-handler.definition';
import { compileEventPattern } from '../routing/event-pattern';
import { validatingInvoke } from '../validation/event-schema.validator';

/** The module options a handler's own options fall back on. */
export type HandlerDefaults = Pick<
  ResolvedKafkaOptions,
  'clientId' | 'consumer' | 'retry' | 'handlerTimeoutMs' | 'nonRetryable' | 'skipRetryWaits'
>;

/**
 * One @EventHandler method, resolved: its options over the module's, validated (errors name `Class.method`),
 * its pattern compiled, and its topics given or derived by `topicsFor`. The group id defaults to
 * `<clientId>.<Class>.<method>`, stable across restarts and deploys.
 */
export function defineEventHandler(
  id: string,
  options: EventHandlerOptions,
  invoke: (event: unknown, context: EventContext) => unknown,
  defaults: HandlerDefaults,
  topicsFor: (handler: string, eventName: string) => string[],
): EventHandlerDefinition {
  if (!options || typeof options.eventName !== 'string') {
    throw new EventHandlerDefinitionError(id, `@EventHandler ${id} needs an eventName`);
  }
  const [className, methodName] = id.split('.');
  return {
    id,
    eventName: options.eventName,
    pattern: compileEventPattern(options.eventName, id),
    topics: new Set(
      options.topics && options.topics.length > 0 ? options.topics : topicsFor(id, options.eventName),
    ),
    groupId: options.groupId ?? `${defaults.clientId}.${className}.${methodName}`,
    fromBeginning: options.fromBeginning ?? false,
    autoCommit: options.autoCommit ?? true,
    keyConcurrency: positive(
      options.keyConcurrency ?? defaults.consumer.keyConcurrency,
      `@EventHandler ${id} keyConcurrency`,
    ),
    retry: withoutWaits(
      resolveRetryPolicy(options.retry, defaults.retry, `@EventHandler ${id} retry`),
      defaults.skipRetryWaits === true,
    ),
    timeoutMs: nonNegative(options.timeoutMs ?? defaults.handlerTimeoutMs, `@EventHandler ${id} timeoutMs`),
    isNonRetryable: nonRetryablePredicate(defaults.nonRetryable, options.nonRetryable),
    invoke: options.schema !== undefined ? validatingInvoke(id, options.schema, invoke) : invoke,
  };
}

/**
 * Handlers sharing a groupId form one group, subscribed to the union of their topics, in first-registration
 * order. Handlers of one group must agree on what the group's one consumer does (where it starts, how it
 * commits, how many records it runs at once): EventHandlerDefinitionError otherwise.
 */
export function buildConsumerGroups(handlers: readonly EventHandlerDefinition[]): ConsumerGroupDefinition[] {
  const byGroup = new Map<string, EventHandlerDefinition[]>();
  for (const handler of handlers) {
    const members = byGroup.get(handler.groupId);
    if (members) members.push(handler);
    else byGroup.set(handler.groupId, [handler]);
  }
  return [...byGroup].map(([groupId, members]) => {
    for (const option of ['fromBeginning', 'autoCommit', 'keyConcurrency'] as const) {
      if (new Set(members.map((h) => h[option])).size > 1) {
        throw new EventHandlerDefinitionError(
          members[0].id,
          conflictingGroupOption(
            groupId,
            option,
            members.map((h) => `${h.id}: ${h[option]}`),
          ),
        );
      }
    }
    return {
      groupId,
      handlers: members,
      topics: Object.freeze([...new Set(members.flatMap((h) => [...h.topics]))].sort()),
      fromBeginning: members[0].fromBeginning,
      autoCommit: members[0].autoCommit,
      keyConcurrency: members[0].keyConcurrency,
    };
  });
}

/**
 * KafkaTestingModule's `retryDelays: 'skip'`: every delay is 0, so a retry starts as soon as the attempt
 * before it failed (the invoker's lease wait of 0 ms returns at once). Never set outside the testing module.
 */
function withoutWaits(policy: ResolvedRetryPolicy, skip: boolean): ResolvedRetryPolicy {
  return skip ? { ...policy, initialMs: 0, maxMs: 0, jitter: false } : policy;
}
