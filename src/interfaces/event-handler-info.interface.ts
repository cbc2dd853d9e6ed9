import type { ResolvedRetryPolicy } from './retry-options.interface';

/** One @EventHandler method as resolved at bootstrap: what EventHandlerRegistry lists. */
export interface EventHandlerInfo {
  /** Class.method */
  readonly id: string;
  readonly eventName: string;
  readonly topics: readonly string[];
  readonly groupId: string;
  readonly fromBeginning: boolean;
  readonly autoCommit: boolean;
  readonly keyConcurrency: number;
  readonly retry: Readonly<ResolvedRetryPolicy>;
  /** Per-attempt time limit in ms; 0 for none. */
  readonly timeoutMs: number;
}

/** Handlers sharing a groupId share one consumer, subscribed to the union of their topics. */
export interface ConsumerGroupInfo {
  readonly groupId: string;
  readonly topics: readonly string[];
  readonly fromBeginning: boolean;
  readonly autoCommit: boolean;
  readonly keyConcurrency: number;
  readonly handlers: readonly EventHandlerInfo[];
}
