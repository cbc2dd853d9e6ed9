import { HEADER_OVERHEAD_BYTES, headersSize } from '../common/record-size';
import type { DeadLetterFailure } from '../interfaces/dead-letter.interface';
import { EventValidationError } from '../errors/event-validation.error';
import { DeadLetterHeaders } from '../kafka.constants';
import { validationIssuesHeader } from '../validation/validation-issues';

export interface DeadLetterHeaderLimits {
  includeStack: boolean;
  maxStackBytes: number;
  /** Bytes left for the stack once the record's key, value and other headers are counted. */
  budgetBytes: number;
}

const MAX_MESSAGE_BYTES = 4096;
const MAX_ISSUES_BYTES = 4096;
const TRUNCATED = '... [truncated]';

/**
 * The headers added to a parked record: where it came from, why it failed, and who failed it.
 * Values are UTF-8 text (numbers in decimal) so kafka-console-consumer --property print.headers=true
 * shows them readably. The stack is cut to fit the record under the broker's size limit.
 */
export function buildDeadLetterHeaders(
  failure: DeadLetterFailure,
  limits: DeadLetterHeaderLimits,
): Record<string, string> {
  const error = failure.error instanceof Error ? failure.error : new Error(String(failure.error));
  const headers: Record<string, string> = {
    [DeadLetterHeaders.ORIGINAL_TOPIC]: failure.topic,
    [DeadLetterHeaders.ORIGINAL_PARTITION]: String(failure.partition),
    [DeadLetterHeaders.ORIGINAL_OFFSET]: failure.offset,
    [DeadLetterHeaders.ORIGINAL_TIMESTAMP]: failure.timestamp,
    [DeadLetterHeaders.REASON]: failure.reason,
    [DeadLetterHeaders.ERROR_NAME]: error.name || 'Error',
    [DeadLetterHeaders.ERROR_MESSAGE]: truncateUtf8(error.message ?? '', MAX_MESSAGE_BYTES),
    [DeadLetterHeaders.FAILED_AT]: failure.failedAt.toISOString(),
    [DeadLetterHeaders.CONSUMER_GROUP]: failure.groupId,
    [DeadLetterHeaders.HANDLER]: failure.handler,
    [DeadLetterHeaders.ATTEMPTS]: String(failure.attempts),
  };
  if (failure.eventName) headers[DeadLetterHeaders.EVENT_NAME] = failure.eventName;
  if (failure.correlationId) headers[DeadLetterHeaders.CORRELATION_ID] = failure.correlationId;
  if (error instanceof EventValidationError) {
    headers[DeadLetterHeaders.VALIDATION_ISSUES] = validationIssuesHeader(error.issues, MAX_ISSUES_BYTES);
  }
  if (limits.includeStack && error.stack) {
    const room = Math.min(
      limits.maxStackBytes,
      limits.budgetBytes -
        headersSize(headers) -
        Buffer.byteLength(DeadLetterHeaders.ERROR_STACK) -
        HEADER_OVERHEAD_BYTES,
    );
    if (room > TRUNCATED.length) headers[DeadLetterHeaders.ERROR_STACK] = truncateUtf8(error.stack, room);
  }
  return headers;
}

/** Cuts `text` to at most `maxBytes` UTF-8 bytes without splitting a character, marking the cut. */
export function truncateUtf8(text: string, maxBytes: number): string {
  if (Buffer.byteLength(text) <= maxBytes) return text;
  // When even the marker does not fit, a bare cut is all that stays within maxBytes.
  const marker = Buffer.byteLength(TRUNCATED) <= maxBytes ? TRUNCATED : '';
  const keep = Math.max(0, maxBytes - Buffer.byteLength(marker));
  let cut = Buffer.from(text).subarray(0, keep).toString('utf8');
  // A multi-byte character cut in half decodes as U+FFFD; drop it.
  if (cut.endsWith('\uFFFD')) cut = cut.slice(0, -1);
  return cut + marker;
}
