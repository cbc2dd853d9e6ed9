/** A DeadLetterService filter or option that cannot be used, naming the field (the command's flag). */
export class DeadLetterFilterError extends Error {
  override readonly name = 'DeadLetterFilterError';

  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
  }
}

/**
 * A replay reached a record whose consumer group has no redelivery topic. Nothing past that record was
 * replayed, and the next run starts there.
 */
export class RedeliveryTopicMissingError extends Error {
  override readonly name = 'RedeliveryTopicMissingError';

  constructor(
    readonly topic: string,
    readonly groupId: string,
  ) {
    super(
      `Consumer group "${groupId}" has no redelivery topic ${topic}: create the topic and restart its app ` +
        `(with deadLetter.replay on, the default; KAFKA_DLQ_REPLAY), then replay again`,
    );
  }
}

/** Records could not be written to a redelivery topic; the run stopped, and the next run retries them. */
export class DeadLetterReplayError extends Error {
  override readonly name = 'DeadLetterReplayError';
}
