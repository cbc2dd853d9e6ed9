import type { RecordHeaders } from '../interfaces/kafka-record.interface';
import { EventParseError } from '../errors/event-parse.error';
import { EventHeaders } from '../kafka.constants';

/** Body fields that name the event when the event-name header is absent, in this order. */
const BODY_NAME_FIELDS = ['eventName', 'event_name', 'type'] as const;

/** Header values as UTF-8 text; of a repeated header, the last value counts. */
export function decodeHeaders(headers: RecordHeaders | undefined): Record<string, string> {
  const decoded: Record<string, string> = {};
  if (!headers) return decoded;
  // for...in: Object.entries allocated an array per header, per record.
  for (const name in headers) {
    const raw = headers[name];
    const value = Array.isArray(raw) ? raw[raw.length - 1] : raw;
    if (value !== undefined) decoded[name] = value.toString();
  }
  return decoded;
}

/** One header as UTF-8 text (the last value of a repeated one), without decoding the others. */
export function headerText(headers: RecordHeaders | undefined, name: string): string | undefined {
  const raw = headers?.[name];
  const value = Array.isArray(raw) ? raw[raw.length - 1] : raw;
  return value === undefined ? undefined : value.toString();
}

/** The record value as JSON; an empty value (or tombstone) and invalid JSON are EventParseErrors. */
export function parseEventBody(value: Buffer | null): unknown {
  if (value === null || value.length === 0) {
    throw new EventParseError(
      'empty-value',
      'The record has an empty value (or is a tombstone): no event to handle',
    );
  }
  try {
    return JSON.parse(value.toString('utf8'));
  } catch (error) {
    throw new EventParseError(
      'invalid-json',
      `The record value is not valid JSON: ${(error as Error).message}`,
    );
  }
}

/** The event name in the header, else in the body's eventName, event_name or type field. */
export function eventNameFromBody(body: unknown): string {
  if (body !== null && typeof body === 'object') {
    for (const field of BODY_NAME_FIELDS) {
      const value = (body as Record<string, unknown>)[field];
      if (typeof value === 'string' && value.trim() !== '') return value;
    }
  }
  throw new EventParseError(
    'missing-event-name',
    `The record has no ${EventHeaders.EVENT_NAME} header and its body has no ${BODY_NAME_FIELDS.join(', ')} field`,
  );
}
