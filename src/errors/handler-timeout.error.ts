/** A handler that did not settle within its timeout; it is treated as failed (retried, then parked). */
export class HandlerTimeoutError extends Error {
  override readonly name = 'HandlerTimeoutError';

  constructor(
    readonly handler: string,
    readonly timeoutMs: number,
  ) {
    super(`${handler} did not finish within ${timeoutMs} ms`);
  }
}
