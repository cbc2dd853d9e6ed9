/**
 * Throw (or extend) this from a handler when trying again cannot help (bad data, a rule violated): the
 * event goes to the DLQ at once, without the retries.
 */
export class NonRetryableError extends Error {
  override readonly name: string = 'NonRetryableError';

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}
