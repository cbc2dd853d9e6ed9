import { EventHeaders, JSON_CONTENT_TYPE } from '../kafka.constants';
import { buildEventHeaders } from './event-headers';

describe('buildEventHeaders', () => {
  const values = {
    eventName: 'order.created',
    eventId: 'e-1',
    correlationId: 'c-1',
    clientId: 'yellow-grid-fsm',
  };

  it('writes the event name, id, correlation id, content type and client id', () => {
    expect(buildEventHeaders(values)).toEqual({
      [EventHeaders.EVENT_NAME]: 'order.created',
      [EventHeaders.EVENT_ID]: 'e-1',
      [EventHeaders.CORRELATION_ID]: 'c-1',
      [EventHeaders.CONTENT_TYPE]: JSON_CONTENT_TYPE,
      [EventHeaders.CLIENT_ID]: 'yellow-grid-fsm',
    });
  });

  it('puts the library headers in the same order with and without extra headers (their order on the wire)', () => {
    expect(Object.keys(buildEventHeaders(values))).toEqual([
      EventHeaders.EVENT_NAME,
      EventHeaders.EVENT_ID,
      EventHeaders.CORRELATION_ID,
      EventHeaders.CONTENT_TYPE,
      EventHeaders.CLIENT_ID,
    ]);
    expect(Object.entries(buildEventHeaders(values))).toEqual(
      Object.entries(buildEventHeaders({ ...values, extra: {} })),
    );
  });

  it('keeps extra headers beside the library ones', () => {
    const headers = buildEventHeaders({ ...values, extra: { tenant: 't-9', 'trace-id': 'tr-1' } });
    expect(headers).toMatchObject({ tenant: 't-9', 'trace-id': 'tr-1', [EventHeaders.EVENT_ID]: 'e-1' });
  });

  it('lets the library headers win over extra headers with the same names', () => {
    const headers = buildEventHeaders({
      ...values,
      extra: {
        [EventHeaders.EVENT_NAME]: 'spoofed.name',
        [EventHeaders.EVENT_ID]: 'spoofed-id',
        [EventHeaders.CORRELATION_ID]: 'spoofed-correlation',
        [EventHeaders.CONTENT_TYPE]: 'text/plain',
        [EventHeaders.CLIENT_ID]: 'spoofed-client',
        tenant: 't-9',
      },
    });
    expect(headers).toEqual({
      [EventHeaders.EVENT_NAME]: 'order.created',
      [EventHeaders.EVENT_ID]: 'e-1',
      [EventHeaders.CORRELATION_ID]: 'c-1',
      [EventHeaders.CONTENT_TYPE]: JSON_CONTENT_TYPE,
      [EventHeaders.CLIENT_ID]: 'yellow-grid-fsm',
      tenant: 't-9',
    });
  });
});
