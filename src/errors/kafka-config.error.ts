/** A configuration value that cannot work: names the variable (or option) and the value, secrets redacted. */
export class KafkaConfigError extends Error {
  override readonly name = 'KafkaConfigError';

  constructor(
    readonly setting: string,
    message: string,
  ) {
    super(message);
  }
}
