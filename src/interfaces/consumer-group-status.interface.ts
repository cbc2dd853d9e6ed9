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
}
