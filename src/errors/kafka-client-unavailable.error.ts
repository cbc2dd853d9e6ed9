/**
 * The client chosen by `client` / KAFKA_CLIENT is an optional package that is not installed, or that is installed
 * and does not load (a native binding built for another Node version).
 */
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
        howToLoad(packageName, options?.cause),
      options,
    );
  }
}

/**
 * What to do: install the package when the package itself was not found; rebuild it when it is there and does
 * not load (one of its files, or its native binding, failed), with the first line of why.
 */
function howToLoad(packageName: string, cause: unknown): string {
  const { code, message } = (cause ?? {}) as { code?: string; message?: string };
  if (cause === undefined || (code === 'MODULE_NOT_FOUND' && String(message).includes(`'${packageName}'`)))
    return `npm install ${packageName}`;
  const why = String(message ?? cause).split('\n')[0];
  return (
    `it is installed but could not be loaded (${why}); ` +
    `reinstall it with the Node version the app runs on (npm rebuild ${packageName})`
  );
}
