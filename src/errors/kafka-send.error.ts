/** A record the broker did not accept within the producer's retry budget; `cause` is kafkajs' error. */
export class KafkaSendError extends Error {
  override readonly name = 'KafkaSendError';

  constructor(
    readonly eventName: string,
    readonly topic: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
