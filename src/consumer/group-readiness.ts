import type { ConsumerGroupState, ConsumerGroupStatus } from '../interfaces/consumer-group-status.interface';

/**
 * Joined, with the group's start offsets resolved by a first fetch: an event sent from now on reaches it, even
 * a new group's that starts at the end of its topics. A group paused after joining counts (it resumes there).
 */
export function isRunning(state: ConsumerGroupState): boolean {
  return state === 'running' || state === 'paused';
}

/**
 * Why a group is not running, for ConsumersNotRunningError: what to change or what it is still doing.
 * For a group not started yet: the brokers the module is reaching, and why its last attempt failed (if one did).
 */
export function whyNotRunning(
  status: ConsumerGroupStatus,
  startup: { brokers: readonly string[]; error?: string },
): string {
  if (status.missingTopics.length > 0) {
    return `topics ${status.missingTopics.join(', ')} do not exist: create them (or set createTopics / KAFKA_CREATE_TOPICS)`;
  }
  const last = status.lastError ? `; last error: ${status.lastError}` : '';
  switch (status.state) {
    case 'idle':
      return startup.error
        ? `not started: the broker is not reachable (${startup.error}); retrying`
        : `not started yet: the module is still reaching ${startup.brokers.join(',')} and checking the topics`;
    case 'connecting':
      return `connecting and joining the group${last}`;
    case 'rebalancing':
      return `still rebalancing (joining the group or waiting for its partitions)${last}`;
    case 'crashed':
      return `its consumer failed and restarts after a backoff${last}`;
    case 'stopping':
    case 'stopped':
      return 'stopped (KafkaConsumerService.stop or shutdown): start it again to run';
    default:
      return `${status.state}${last}`;
  }
}
