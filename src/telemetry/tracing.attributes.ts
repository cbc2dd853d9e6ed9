import type { RecordHeaders } from '../interfaces/kafka-record.interface';
import { EventHeaders } from '../kafka.constants';

/**
 * Attribute names of the OpenTelemetry semantic conventions for messaging (Kafka), as literals: the
 * conventions package is not a dependency. Ours, for what the conventions have no name for, are `kafka.event.*`.
 */
export const MessagingAttributes = {
  SYSTEM: 'messaging.system',
  DESTINATION_NAME: 'messaging.destination.name',
  PARTITION_ID: 'messaging.destination.partition.id',
  OFFSET: 'messaging.kafka.offset',
  MESSAGE_KEY: 'messaging.kafka.message.key',
  MESSAGE_ID: 'messaging.message.id',
  CONSUMER_GROUP: 'messaging.consumer.group.name',
  CLIENT_ID: 'messaging.client.id',
  OPERATION_NAME: 'messaging.operation.name',
  OPERATION_TYPE: 'messaging.operation.type',
  ERROR_TYPE: 'error.type',
  EVENT_NAME: 'kafka.event.name',
  CORRELATION_ID: 'kafka.event.correlation_id',
  HANDLER: 'kafka.event.handler',
  ATTEMPT: 'kafka.event.attempt',
} as const;

export type SpanAttributeValues = Record<string, string | number>;

/** What a PRODUCER span describes: one event record on its way to `topic`. */
export interface SentRecordInfo {
  topic: string;
  key: string | Buffer | null;
  clientId: string;
  eventName: string;
  eventId: string;
  correlationId: string;
}

/** What a CONSUMER span describes: one attempt of one handler at one record. */
export interface ProcessedRecordInfo {
  topic: string;
  partition: number;
  offset: string;
  key: string | null;
  groupId: string;
  eventName: string;
  /** The record's headers, decoded: event-id and correlation-id come from them. */
  headers: Readonly<Record<string, string>>;
}

export function sendSpanAttributes(record: SentRecordInfo): SpanAttributeValues {
  const attributes: SpanAttributeValues = {
    [MessagingAttributes.SYSTEM]: 'kafka',
    [MessagingAttributes.DESTINATION_NAME]: record.topic,
    [MessagingAttributes.OPERATION_NAME]: 'send',
    [MessagingAttributes.OPERATION_TYPE]: 'send',
    [MessagingAttributes.CLIENT_ID]: record.clientId,
    [MessagingAttributes.MESSAGE_ID]: record.eventId,
    [MessagingAttributes.EVENT_NAME]: record.eventName,
    [MessagingAttributes.CORRELATION_ID]: record.correlationId,
  };
  if (record.key !== null) attributes[MessagingAttributes.MESSAGE_KEY] = record.key.toString();
  return attributes;
}

/** Where the broker wrote the record, added to the PRODUCER span once it acknowledged it. */
export function writtenAttributes(partition: number, offset: string): SpanAttributeValues {
  return {
    [MessagingAttributes.PARTITION_ID]: String(partition),
    [MessagingAttributes.OFFSET]: Number(offset),
  };
}

export function processSpanAttributes(
  record: ProcessedRecordInfo,
  handler: string,
  attempt: number,
): SpanAttributeValues {
  const attributes: SpanAttributeValues = {
    [MessagingAttributes.SYSTEM]: 'kafka',
    [MessagingAttributes.DESTINATION_NAME]: record.topic,
    [MessagingAttributes.PARTITION_ID]: String(record.partition),
    [MessagingAttributes.OFFSET]: Number(record.offset),
    [MessagingAttributes.CONSUMER_GROUP]: record.groupId,
    [MessagingAttributes.OPERATION_NAME]: 'process',
    [MessagingAttributes.OPERATION_TYPE]: 'process',
    [MessagingAttributes.EVENT_NAME]: record.eventName,
    [MessagingAttributes.HANDLER]: handler,
    [MessagingAttributes.ATTEMPT]: attempt,
  };
  if (record.key !== null) attributes[MessagingAttributes.MESSAGE_KEY] = record.key;
  const eventId = record.headers[EventHeaders.EVENT_ID];
  if (eventId) attributes[MessagingAttributes.MESSAGE_ID] = eventId;
  const correlationId = record.headers[EventHeaders.CORRELATION_ID];
  if (correlationId) attributes[MessagingAttributes.CORRELATION_ID] = correlationId;
  return attributes;
}

/**
 * `error.type` of a failed span: the error's class name (`HandlerTimeoutError`, `KafkaSendError`), or
 * `_OTHER` for a thrown value that is not an Error, as the conventions say.
 */
export function errorType(error: unknown): string {
  if (!(error instanceof Error)) return '_OTHER';
  const name = error.constructor?.name;
  return name && name !== 'Object' ? name : error.name || 'Error';
}

/**
 * The propagator's getter over a record's headers as clients hand them over: bytes or text, and a list for a
 * header repeated in one record.
 */
export const recordHeaderGetter = {
  keys(carrier: RecordHeaders | undefined): string[] {
    return carrier ? Object.keys(carrier) : [];
  },
  get(carrier: RecordHeaders | undefined, key: string): string | string[] | undefined {
    const value = carrier?.[key];
    if (value === undefined) return undefined;
    return Array.isArray(value) ? value.map((v) => v.toString()) : value.toString();
  },
};

/** The propagator's setter over an outgoing record's headers (text values, as the producer writes them). */
export const recordHeaderSetter = {
  set(carrier: RecordHeaders, key: string, value: string): void {
    carrier[key] = value;
  },
};
