import { randomUUID } from 'node:crypto';
import { recordSize, recordSizeBound } from '../common/record-size';
import type { TopicRecord } from '../client/record-writer.port';
import { EventTooLargeError } from '../errors/event-too-large.error';
import type { SendEventOptions, SentEventMetadata } from '../interfaces/send-options.interface';
import { EventHeaders } from '../kafka.constants';
import { buildEventHeaders } from './event-headers';
import { validateOutgoingEvent } from './event-validation';

/** What every event record of this app shares. */
export interface EventRecordSettings {
  clientId: string;
  /** The broker's message.max.bytes: a larger record is refused here, with a named error. */
  maxRecordBytes: number;
  /** The topic of an event without options.topic. */
  topicFor: (eventName: string) => string;
  /** The correlation id of the event being handled, if any, for events sent while handling it. */
  inheritedCorrelationId: () => string | undefined;
}

export interface EventRecord {
  record: TopicRecord;
  meta: Omit<SentEventMetadata, 'partition' | 'offset' | 'sent'>;
}

/**
 * One event as the record that carries it: validated, its topic chosen, its headers set (event-name,
 * event-id, correlation-id, content-type, client-id), its size checked. Pure but for a new UUID.
 */
export function buildEventRecord(
  eventName: string,
  payload: unknown,
  options: SendEventOptions,
  settings: EventRecordSettings,
): EventRecord {
  validateOutgoingEvent(eventName, options.topic, options.headers);
  const topic = options.topic ?? settings.topicFor(eventName);
  const eventId = options.eventId ?? randomUUID();
  const correlationId =
    options.correlationId ??
    options.headers?.[EventHeaders.CORRELATION_ID] ??
    settings.inheritedCorrelationId() ??
    eventId;
  const headers = buildEventHeaders({
    eventName,
    eventId,
    correlationId,
    clientId: settings.clientId,
    extra: options.headers,
  });
  const key = options.key ?? null;
  const value = Buffer.isBuffer(payload) ? payload : JSON.stringify(payload ?? null);
  const record = { topic, key, value, headers, partition: options.partition };
  checkRecordSize(eventName, record, settings.maxRecordBytes);
  return { record, meta: { eventName, eventId, correlationId, topic } };
}

/**
 * Refuses a record over the broker's limit here rather than by the broker after the producer's retries; only
 * a record that might be too large is measured exactly. Run again once headers are added (trace context).
 */
export function checkRecordSize(eventName: string, record: TopicRecord, limit: number): void {
  const { key, value } = record;
  // The producer's headers are text: its own, the caller's (validated as strings) and the trace context.
  const headers = (record.headers ?? {}) as Record<string, string>;
  if (recordSizeBound(key, value, headers) > limit) {
    const bytes = recordSize(key, value, headers);
    if (bytes > limit) throw new EventTooLargeError(eventName, bytes, limit);
  }
}
