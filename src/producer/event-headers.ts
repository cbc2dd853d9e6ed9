import { EventHeaders, JSON_CONTENT_TYPE } from '../kafka.constants';

interface EventHeaderValues {
  eventName: string;
  eventId: string;
  correlationId: string;
  clientId: string;
  extra?: Record<string, string>;
}

/**
 * Headers of an event record. The library's own headers win over same-named extra headers. Without extra
 * headers (the common case) the object is one literal: no spread, and one shape for every record.
 */
export function buildEventHeaders({
  eventName,
  eventId,
  correlationId,
  clientId,
  extra,
}: EventHeaderValues): Record<string, string> {
  if (extra === undefined) {
    return {
      'event-name': eventName,
      'event-id': eventId,
      'correlation-id': correlationId,
      'content-type': JSON_CONTENT_TYPE,
      'client-id': clientId,
    } satisfies Record<(typeof EventHeaders)[keyof typeof EventHeaders], string>;
  }
  return {
    ...extra,
    [EventHeaders.EVENT_NAME]: eventName,
    [EventHeaders.EVENT_ID]: eventId,
    [EventHeaders.CORRELATION_ID]: correlationId,
    [EventHeaders.CONTENT_TYPE]: JSON_CONTENT_TYPE,
    [EventHeaders.CLIENT_ID]: clientId,
  };
}
