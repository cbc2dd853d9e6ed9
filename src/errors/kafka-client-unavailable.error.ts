/** The client chosen by `client` / KAFKA_CLIENT is an optional package that is not installed. */
export class KafkaClientUnavailableError extends Error {
  override readonly name = 'KafkaClientUnavailableError';

  constructor(
    /** The client's name as the setting takes it (`confluent`). */
    readonly client: string,
    /** The npm package to install. */
    readonly packageName: string,
    options?: { cause?: unknown },
  ) {
    super(
      `The Kafka client "${client}" (module option client / KAFKA_CLIENT) needs the package ${packageName}: ` +
        `npm install ${packageName}`,
      options,
    );
  }
}
