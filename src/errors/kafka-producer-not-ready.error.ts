import { KafkaSendError } from './kafka-send.error';

/**
 * A send() made before the producer connected (the broker is down or still starting), still not connected
 * after `producer.readyTimeoutMs`. A KafkaSendError, so code that catches that one catches this too. When a
 * connection attempt to the cluster already failed (refused credentials, an untrusted certificate, ...), the
 * message names that reason and `cause` is that failure.
 */
export class KafkaProducerNotReadyError extends KafkaSendError {
  override readonly name: string = 'KafkaProducerNotReadyError';

  constructor(
    eventName: string,
    topic: string,
    message: string,
    /** How long the send waited for the producer. */
    readonly waitedMs: number,
    options?: { cause?: unknown },
  ) {
    super(eventName, topic, message, options);
  }
}
