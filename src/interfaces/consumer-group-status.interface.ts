export type ConsumerGroupState =
  | 'idle'
  | 'connecting'
  | 'waiting-for-topics'
  | 'running'
  | 'rebalancing'
  | 'paused'
  | 'crashed'
  | 'stopping'
  | 'stopped';

/** What KafkaConsumerService.list() and the health indicator report per group. */
export interface ConsumerGroupStatus {
  groupId: string;
  state: ConsumerGroupState;
  topics: string[];
  handlers: { id: string; eventName: string }[];
  /** Topics the group needs that do not exist (state waiting-for-topics). */
  missingTopics: string[];
  /** The error behind a crashed or connecting state. */
  lastError?: string;
  handled: number;
  skipped: number;
  parked: number;
  /** With deadLetter.replay: the group's redelivery route and what came through it (counted apart from the above). */
  redelivery?: {
    topic: string;
    /** Subscribed: replayed records reach their handlers. */
    on: boolean;
    /** Why the route is off. */
    off?: string;
    handled: number;
    skipped: number;
    parked: number;
  };
}

/** What `KafkaConsumerService.whenRunning()` waits for, and how long. */
export interface WhenRunningOptions {
  /** How long to wait before rejecting with ConsumersNotRunningError, in ms. Default 30000. */
  timeoutMs?: number;
  /** The groups to wait for. Default: every consumer group of the app. */
  groupIds?: readonly string[];
}
