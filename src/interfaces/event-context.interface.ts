/**
 * The second argument of every handler: the reference design's four fields, plus what a careful
 * handler needs to deduplicate, order and trace.
 */
export interface EventContext {
  topic: string;
  /** Record headers decoded as UTF-8 text. */
  headers: Record<string, string>;
  partition: number;
  offset: string;
  /** The record key as UTF-8 text, or null for a keyless record. */
  key: string | null;
  /** Record timestamp, milliseconds since the epoch, as decimal text. */
  timestamp: string;
  eventName: string;
  groupId: string;
  /** The handler receiving this context, as Class.method. */
  handler: string;
  /** 1 for the first attempt, 2 for the first retry, ... */
  attempt: number;
  /** Aborted when the attempt times out or the app shuts down past its deadline: pass it to fetch and the like. */
  signal: AbortSignal;
}

/**
 * The context type of an @EventHandler call, as guards, interceptors and filters see it:
 * `host.getType<KafkaContextType>() === 'kafka-event'`. Its RPC switch gives the payload
 * (`switchToRpc().getData()`) and the EventContext (`switchToRpc().getContext()`).
 */
export type KafkaContextType = 'kafka-event';
