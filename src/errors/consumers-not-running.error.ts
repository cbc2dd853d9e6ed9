import type { ConsumerGroupState } from '../interfaces/consumer-group-status.interface';

/** A consumer group that was not running when a wait for it ended, and why. */
export interface WaitingConsumerGroup {
  groupId: string;
  state: ConsumerGroupState;
  /** What keeps it from running: topics missing, the last error, a rebalance in progress, ... */
  reason: string;
}

/**
 * `KafkaConsumerService.whenRunning()` (or the bootstrap wait, `waitForConsumers`) timed out: these groups had
 * not joined with their partitions positioned. The message names each one, its state and why.
 */
export class ConsumersNotRunningError extends Error {
  override readonly name = 'ConsumersNotRunningError';

  constructor(
    readonly timeoutMs: number,
    readonly waiting: readonly WaitingConsumerGroup[],
  ) {
    super(
      `Kafka consumer groups not running after ${timeoutMs} ms: ` +
        waiting.map((g) => `${g.groupId} (${g.state}: ${g.reason})`).join('; '),
    );
  }
}
