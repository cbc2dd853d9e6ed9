import type { CompiledEventPattern } from './event-pattern';
import type { EventContext } from '../interfaces/event-context.interface';
import type { ResolvedRetryPolicy } from '../interfaces/retry-options.interface';

/** One @EventHandler method, resolved at bootstrap: what the registry lists and the consumers route to. */
export interface EventHandlerDefinition {
  /** Class.method */
  readonly id: string;
  readonly eventName: string;
  readonly pattern: CompiledEventPattern;
  readonly topics: ReadonlySet<string>;
  readonly groupId: string;
  readonly fromBeginning: boolean;
  readonly autoCommit: boolean;
  /** Records of one partition in flight at once (different keys only); 1 for offset order. */
  readonly keyConcurrency: number;
  readonly retry: ResolvedRetryPolicy;
  /** Per-attempt time limit in ms; 0 for none. */
  readonly timeoutMs: number;
  /** true for an error that must go to the DLQ without another attempt. */
  readonly isNonRetryable: (error: unknown) => boolean;
  /** The method bound to its provider instance. */
  readonly invoke: (event: unknown, context: EventContext) => unknown;
}

/** Handlers sharing a groupId share one consumer, subscribed to the union of their topics. */
export interface ConsumerGroupDefinition {
  readonly groupId: string;
  readonly topics: readonly string[];
  readonly fromBeginning: boolean;
  readonly autoCommit: boolean;
  readonly keyConcurrency: number;
  readonly handlers: readonly EventHandlerDefinition[];
}
