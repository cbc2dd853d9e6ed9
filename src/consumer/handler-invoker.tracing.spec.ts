import * as api from '@opentelemetry/api';
import { installTestTracing, TestTracing } from '../../test/support/tracing';
import { handlerDefinition } from '../../test/support/handler-definition';
import type { EventContext } from '../interfaces/event-context.interface';
import type { PartitionLease } from '../interfaces/partition-lease.interface';
import type { EventHandlerDefinition } from '../routing/event-handler.definition';
import { KafkaTracing } from '../telemetry/tracing';
import { HandlerInvoker, RecordContext } from './handler-invoker';

const TRACEPARENT = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';

const handlerOf = (invoke: (event: unknown, context: EventContext) => unknown, timeoutMs = 0) =>
  handlerDefinition(invoke, { timeoutMs, retry: { attempts: 2, backoff: { initialMs: 1, jitter: false } } });

const record: RecordContext = {
  topic: 'orders',
  headers: { 'event-id': 'e-1' },
  partition: 3,
  offset: '42',
  key: 'order-17',
  timestamp: '1700000000000',
  eventName: 'order.created',
  groupId: 'billing',
  rawHeaders: { 'event-id': Buffer.from('e-1'), traceparent: Buffer.from(TRACEPARENT) },
  shared: false,
};
const lease: PartitionLease = { active: true, heartbeat: async () => undefined, wait: async () => true };

describe('HandlerInvoker tracing', () => {
  let installed: TestTracing;
  const tracing = new KafkaTracing(api);

  beforeEach(() => {
    installed = installTestTracing();
  });
  afterEach(() => installed.uninstall());

  const run = (handler: EventHandlerDefinition) =>
    Promise.resolve(new HandlerInvoker(3000, [handler], { tracing }).run(handler, {}, record, lease));

  it('ends the span of a synchronous handler, a child of the traceparent in the record', async () => {
    expect(await run(handlerOf(() => 'done'))).toEqual({ status: 'ok', attempts: 1 });
    const [span] = installed.spans();
    expect(span.parentSpanContext?.spanId).toBe('00f067aa0ba902b7');
    expect(span.spanContext().traceId).toBe('4bf92f3577b34da6a3ce929d0e0e4736');
    expect(span.status.code).toBe(api.SpanStatusCode.UNSET);
  });

  it('gives a synchronous throw and its retry a span each, with error.type', async () => {
    const outcome = await run(
      handlerOf(() => {
        throw new RangeError('quantity out of range');
      }),
    );
    expect(outcome).toMatchObject({ status: 'failed', attempts: 2 });
    expect(
      installed.spans().map((s) => [s.attributes['kafka.event.attempt'], s.attributes['error.type']]),
    ).toEqual([
      [1, 'RangeError'],
      [2, 'RangeError'],
    ]);
  });

  it('ends the span of an attempt that outlives its timeout with error.type HandlerTimeoutError', async () => {
    const outcome = await run(
      handlerDefinition(() => new Promise(() => undefined), { timeoutMs: 20, retry: false }),
    );
    expect(outcome).toMatchObject({ status: 'failed', attempts: 1 });
    const [span] = installed.spans();
    expect(span.attributes['error.type']).toBe('HandlerTimeoutError');
    expect(span.status.code).toBe(api.SpanStatusCode.ERROR);
  });
});
