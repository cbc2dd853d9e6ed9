/**
 * KafkaTestHarness was used in a way that cannot work: before the testing module was initialised, or with
 * Kafka disabled. The message says what to change.
 */
export class KafkaTestingSetupError extends Error {
  override readonly name = 'KafkaTestingSetupError';
}

/** `emit()` gave up: a consumer group that should handle the event did not finish it in time. */
export class EmitTimeoutError extends Error {
  override readonly name = 'EmitTimeoutError';

  constructor(
    readonly eventName: string,
    /** Group ids that had not finished the event. */
    readonly groups: readonly string[],
    message: string,
  ) {
    super(message);
  }
}
