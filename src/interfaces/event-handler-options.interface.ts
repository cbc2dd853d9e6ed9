import type { EventSchema } from './event-schema.interface';
import type { NonRetryableErrors } from './retry-options.interface';
import type { RetryOptions } from './retry-options.interface';

/** What @EventHandler takes: the reference design's five options, and the reliability ones after them. */
export interface EventHandlerOptions {
  /** Event name or pattern; `*` stands for one or more whole dot-separated segments. */
  eventName: string;
  /** Topics to subscribe to; derived from the eventName's domain through the topic mapping when omitted. */
  topics?: string[];
  /** Consumer group; derived as `<clientId>.<Class>.<method>` when omitted (stable across restarts). */
  groupId?: string;
  /** Where a group with no committed offset starts: the beginning (true) or new records only (false). */
  fromBeginning?: boolean;
  /** true: offsets committed after each processed batch; false: after each processed record. Default true. */
  autoCommit?: boolean;
  /** Retries before the event is parked, over the module's `retry`; `false` for a single attempt. */
  retry?: RetryOptions | false;
  /** Errors of this handler parked at once, in addition to the module's `nonRetryable`. */
  nonRetryable?: NonRetryableErrors;
  /** Per-attempt time limit in ms, over the module's `handlerTimeoutMs`; 0 for none. */
  timeoutMs?: number;
  /**
   * Records of one partition handled at once when their keys differ, up to this many; records with one key
   * stay in order and the committed offset never passes an unfinished record. Over the module's
   * `consumer.keyConcurrency` (default 1: one record at a time). Handlers sharing a group must agree.
   */
  keyConcurrency?: number;
  /**
   * Checked before the handler runs: a Standard Schema validator (zod, valibot, arktype, ...) or a
   * class-validator DTO class (needs class-validator and class-transformer). The handler gets the schema's
   * output; an event that fails it is parked at once, reason `validation`, issues in `dlq-validation-issues`.
   */
  schema?: EventSchema;
}
