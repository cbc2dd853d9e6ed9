/** send() refused an event before it reached Kafka: a malformed name, topic or header. */
export class InvalidEventError extends Error {
  override readonly name: string = 'InvalidEventError';

  constructor(message: string) {
    super(message);
  }
}
