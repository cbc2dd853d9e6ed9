import * as api from '@opentelemetry/api';
import { installTestTracing, TestTracing } from '../../test/support/tracing';
import { createKafkaTracing, KafkaTracing } from './tracing';

const sentRecord = {
  topic: 'fsm.projects',
  key: null,
  clientId: 'planner',
  eventName: 'projects.created',
  eventId: 'e-1',
  correlationId: 'e-1',
};
const processedRecord = {
  topic: 'fsm.projects',
  partition: 0,
  offset: '5',
  key: null,
  groupId: 'billing',
  eventName: 'projects.created',
  headers: { 'event-id': 'e-1' },
};

describe('KafkaTracing', () => {
  // A provider's shutdown stops its exporter: each test that registers one gets both afresh.
  let installed: TestTracing | undefined;
  const tracing = new KafkaTracing(api);
  const register = () => (installed = installTestTracing());
  const spans = () => installed!.spans();

  afterEach(async () => {
    await installed?.uninstall();
    installed = undefined;
  });

  it('does nothing without a tracer provider: no span, no header', () => {
    const headers: Record<string, string> = {};
    expect(tracing.startSend(headers, sentRecord)).toBeUndefined();
    expect(tracing.startProcess(processedRecord, headers, 'Billing.on', 1)).toBeUndefined();
    expect(tracing.startPark('dlq', headers, {})).toBeUndefined();
    expect(headers).toEqual({});
  });

  it('picks up a provider registered after it was made, and stops when it is removed', () => {
    register();
    const headers: Record<string, string> = {};
    tracing.startSend(headers, sentRecord)?.ok();
    expect(headers.traceparent).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);
    api.trace.disable();
    expect(tracing.startSend({}, sentRecord)).toBeUndefined();
    expect(spans()).toHaveLength(1);
  });

  it('injects the PRODUCER span into the headers and extracts it as the CONSUMER span parent', () => {
    register();
    const headers: Record<string, string | Buffer> = {};
    const send = tracing.startSend(headers, sentRecord)!;
    send.ok();
    // The consumer sees bytes.
    const received = { traceparent: Buffer.from(headers.traceparent as string) };
    const attempt = tracing.startProcess(processedRecord, received, 'Billing.on', 1)!;
    const inside = attempt.run(() => api.trace.getActiveSpan()?.spanContext().spanId);
    attempt.fail(new RangeError('no'));
    const [producer, consumer] = spans();
    expect(producer.kind).toBe(api.SpanKind.PRODUCER);
    expect(consumer.kind).toBe(api.SpanKind.CONSUMER);
    expect(consumer.parentSpanContext?.spanId).toBe(producer.spanContext().spanId);
    expect(consumer.spanContext().traceId).toBe(producer.spanContext().traceId);
    expect(inside).toBe(consumer.spanContext().spanId);
    expect(consumer.attributes['error.type']).toBe('RangeError');
    expect(consumer.status.code).toBe(api.SpanStatusCode.ERROR);
  });

  it('starts a record without a traceparent as a new trace, whatever span the consumer loop runs in', () => {
    register();
    api.trace.getTracer('app').startActiveSpan('bootstrap', (bootstrap) => {
      tracing.startProcess(processedRecord, undefined, 'Billing.on', 1)!.ok();
      tracing.startPark('dlq', undefined, {})!.ok();
      bootstrap.end();
    });
    const [processed, parked] = spans();
    expect(processed.parentSpanContext).toBeUndefined();
    expect(parked.parentSpanContext).toBeUndefined();
  });

  it('ends an operation once: the first outcome stands', () => {
    register();
    const send = tracing.startSend({}, sentRecord)!;
    send.ok({ 'messaging.destination.partition.id': '1' });
    send.fail(new Error('late'));
    const [span] = spans();
    expect(spans()).toHaveLength(1);
    expect(span.status.code).toBe(api.SpanStatusCode.UNSET);
    expect(span.attributes['messaging.destination.partition.id']).toBe('1');
  });

  it('is off when the option turns it off', () => {
    expect(createKafkaTracing(false)).toBeUndefined();
    expect(createKafkaTracing(true)).toBeInstanceOf(KafkaTracing);
  });
});
