import {
  errorType,
  processSpanAttributes,
  recordHeaderGetter,
  recordHeaderSetter,
  sendSpanAttributes,
  writtenAttributes,
} from './tracing.attributes';

class WorkOrderRejected extends Error {}

describe('tracing attributes', () => {
  it('describes a send with the messaging conventions, the event id as messaging.message.id', () => {
    expect(
      sendSpanAttributes({
        topic: 'fsm.projects',
        key: 'site-7',
        clientId: 'planner',
        eventName: 'projects.created',
        eventId: 'e-1',
        correlationId: 'c-1',
      }),
    ).toEqual({
      'messaging.system': 'kafka',
      'messaging.destination.name': 'fsm.projects',
      'messaging.operation.name': 'send',
      'messaging.operation.type': 'send',
      'messaging.client.id': 'planner',
      'messaging.message.id': 'e-1',
      'messaging.kafka.message.key': 'site-7',
      'kafka.event.name': 'projects.created',
      'kafka.event.correlation_id': 'c-1',
    });
  });

  it('leaves the key out of a keyless send and writes a byte key as text', () => {
    const base = { topic: 't', clientId: 'c', eventName: 'a.b', eventId: 'e', correlationId: 'e' };
    expect(sendSpanAttributes({ ...base, key: null })).not.toHaveProperty(['messaging.kafka.message.key']);
    expect(sendSpanAttributes({ ...base, key: Buffer.from('k-1') })['messaging.kafka.message.key']).toBe(
      'k-1',
    );
  });

  it('adds the partition as text and the offset as a number once the broker acknowledged', () => {
    expect(writtenAttributes(2, '41')).toEqual({
      'messaging.destination.partition.id': '2',
      'messaging.kafka.offset': 41,
    });
  });

  it('describes a handler attempt: where the record was, the group, the handler and the attempt', () => {
    const attributes = processSpanAttributes(
      {
        topic: 'fsm.projects',
        partition: 1,
        offset: '17',
        key: null,
        groupId: 'billing',
        eventName: 'projects.created',
        headers: { 'event-id': 'e-1', 'correlation-id': 'c-1' },
      },
      'Billing.onCreated',
      2,
    );
    expect(attributes).toEqual({
      'messaging.system': 'kafka',
      'messaging.destination.name': 'fsm.projects',
      'messaging.destination.partition.id': '1',
      'messaging.kafka.offset': 17,
      'messaging.consumer.group.name': 'billing',
      'messaging.operation.name': 'process',
      'messaging.operation.type': 'process',
      'messaging.message.id': 'e-1',
      'kafka.event.name': 'projects.created',
      'kafka.event.correlation_id': 'c-1',
      'kafka.event.handler': 'Billing.onCreated',
      'kafka.event.attempt': 2,
    });
  });

  it('names an error by its class, and anything thrown that is not an Error as _OTHER', () => {
    expect(errorType(new WorkOrderRejected('no'))).toBe('WorkOrderRejected');
    expect(errorType(new TypeError('no'))).toBe('TypeError');
    expect(errorType(Object.assign(Object.create(null), { name: 'x' }))).toBe('_OTHER');
    expect(errorType('a string')).toBe('_OTHER');
  });

  it('reads headers as clients hand them over: bytes, text, and every value of a repeated header', () => {
    const headers = {
      traceparent: Buffer.from('00-aa-bb-01'),
      tracestate: 'vendor=1',
      baggage: [Buffer.from('a=1'), 'b=2'],
      absent: undefined,
    };
    expect(recordHeaderGetter.get(headers, 'traceparent')).toBe('00-aa-bb-01');
    expect(recordHeaderGetter.get(headers, 'tracestate')).toBe('vendor=1');
    expect(recordHeaderGetter.get(headers, 'baggage')).toEqual(['a=1', 'b=2']);
    expect(recordHeaderGetter.get(headers, 'absent')).toBeUndefined();
    expect(recordHeaderGetter.get(undefined, 'traceparent')).toBeUndefined();
    expect(recordHeaderGetter.keys(headers)).toEqual(['traceparent', 'tracestate', 'baggage', 'absent']);
    expect(recordHeaderGetter.keys(undefined)).toEqual([]);
  });

  it('writes a header as text, over one of the same name', () => {
    const headers: Record<string, string> = { traceparent: 'stale' };
    recordHeaderSetter.set(headers, 'traceparent', '00-aa-bb-01');
    expect(headers).toEqual({ traceparent: '00-aa-bb-01' });
  });
});
