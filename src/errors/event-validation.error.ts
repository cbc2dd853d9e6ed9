import type { EventValidationIssue } from '../interfaces/event-schema.interface';
import { NonRetryableError } from './non-retryable.error';

const MAX_LISTED = 5;

/**
 * An event's payload failed its handler's schema or a pipe on it (or the handler threw a validator's array of
 * errors). Never retried: the record is parked at once with reason `validation` and the issues in `dlq-validation-issues`.
 */
export class EventValidationError extends NonRetryableError {
  override readonly name = 'EventValidationError';

  constructor(
    /** Class.method of the handler whose schema refused the event. */
    readonly handler: string,
    readonly issues: readonly EventValidationIssue[],
    /** What was thrown, when the issues were read from another error (a pipe's rejection). */
    options?: { cause?: unknown },
  ) {
    const listed = issues
      .slice(0, MAX_LISTED)
      .map((i) => (i.path ? `${i.path}: ${i.message}` : i.message))
      .join('; ');
    const more = issues.length > MAX_LISTED ? ` (and ${issues.length - MAX_LISTED} more)` : '';
    super(
      `${handler} refused the event's payload: ${listed || 'invalid'}${more}. Fix the payload where the event ` +
        `is sent, or the schema on @EventHandler ${handler}.`,
      options,
    );
  }
}
