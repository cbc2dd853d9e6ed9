/** Topics the handlers or the DLQ need that do not exist, with createTopics off. */
export class MissingTopicsError extends Error {
  override readonly name = 'MissingTopicsError';

  constructor(
    readonly topics: readonly string[],
    message: string,
  ) {
    super(message);
  }
}
