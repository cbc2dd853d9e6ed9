/** What @EventHandler takes; the reference design's five options. */
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
}
