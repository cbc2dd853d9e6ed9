import { NonRetryableError } from './non-retryable.error';

/**
 * A guard on the handler refused the event (it returned false, or threw Nest's ForbiddenException). Never
 * retried: the record is parked at once with reason `forbidden`; the guard's exception is the `cause`.
 */
export class EventForbiddenError extends NonRetryableError {
  override readonly name = 'EventForbiddenError';

  constructor(
    /** Class.method of the guarded handler. */
    readonly handler: string,
    cause: unknown,
  ) {
    const detail = cause instanceof Error && cause.message ? ` (${cause.message})` : '';
    super(
      `A guard on @EventHandler ${handler} refused the event${detail}. Parked without a retry: change the ` +
        `guard, or the event, and replay it.`,
      { cause },
    );
  }
}
