/** A record the broker did not accept within the producer's retry budget; `cause` is a KafkaClientError. */
export class KafkaSendError extends Error {
  override readonly name: string = 'KafkaSendError';

  constructor(
    readonly eventName: string,
    readonly topic: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
