import { INestApplicationContext, Injectable } from '@nestjs/common';
import { SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { DeadLetterHeaders, EventContext, EventHandler, EventHeaders, KafkaProducerService } from '../../src';
import { uniqueName, untilQuiet, waitFor } from '../support/kafka';
import { header, readTopic, startTestApp, waitForGroups } from '../support/kafka-app';
import { installTestTracing, parseTraceparent, TestTracing } from '../support/tracing';

class WorkOrderRejected extends Error {
  override name = 'WorkOrderRejected';
}

interface Seen {
  id: string;
  spanId: string | undefined;
  traceId: string | undefined;
  correlationId: string;
}
const seen: Seen[] = [];
const attempts: { id: string; attempt: number }[] = [];
const orderedGroup = uniqueName('traced');
const followupGroup = uniqueName('traced-followup');

function activeSpan(): { spanId?: string; traceId?: string } {
  const span = trace.getActiveSpan();
  return span ? span.spanContext() : {};
}

@Injectable()
class TracedHandlers {
  constructor(private readonly producer: KafkaProducerService) {}

  @EventHandler({ eventName: 'work.ordered', groupId: orderedGroup })
  async ordered(event: { id: string; forward: boolean }, context: EventContext): Promise<void> {
    const { spanId, traceId } = activeSpan();
    seen.push({ id: event.id, spanId, traceId, correlationId: context.headers[EventHeaders.CORRELATION_ID] });
    if (event.forward) await this.producer.send('work.followup', { id: `${event.id}.followup` });
  }

  @EventHandler({ eventName: 'work.followup', groupId: followupGroup })
  followup(event: { id: string }, context: EventContext): void {
    const { spanId, traceId } = activeSpan();
    seen.push({ id: event.id, spanId, traceId, correlationId: context.headers[EventHeaders.CORRELATION_ID] });
  }

  @EventHandler({
    eventName: 'work.rejected',
    groupId: uniqueName('traced-rejected'),
    retry: { attempts: 3, backoff: { initialMs: 10, maxMs: 20 } },
  })
  rejected(event: { id: string }, context: EventContext): void {
    attempts.push({ id: event.id, attempt: context.attempt });
    throw new WorkOrderRejected(`work order ${event.id} rejected`);
  }
}

describe('tracing (OpenTelemetry, in-memory exporter)', () => {
  let tracing: TestTracing;
  let app: INestApplicationContext;
  const topic = uniqueName('work');
  const dlqTopic = uniqueName('dlq');

  beforeAll(async () => {
    tracing = installTestTracing();
    app = await startTestApp({
      providers: [TracedHandlers],
      kafka: { topics: { work: topic }, dlqTopic, createTopics: { numPartitions: 2 } },
    });
    await waitForGroups(app);
  });

  afterAll(async () => {
    await app?.close();
    await tracing?.uninstall();
  });

  const spansOf = (traceId: string) => tracing.spans().filter((s) => s.spanContext().traceId === traceId);
  const byEventId = (kind: SpanKind, eventId: string) =>
    tracing.spans().filter((s) => s.kind === kind && s.attributes['messaging.message.id'] === eventId);
  const parentOf = (span: ReadableSpan) => span.parentSpanContext?.spanId;

  it('links the sending request span, the PRODUCER span and the handler CONSUMER span in one trace', async () => {
    const producer = app.get(KafkaProducerService);
    // What an HTTP instrumentation does around a request handler that sends an event.
    const { sent, request } = await trace
      .getTracer('test')
      .startActiveSpan('POST /work-orders', async (span) => {
        const sent = await producer.send('work.ordered', { id: 'w-1', forward: false }, { key: 'site-7' });
        span.end();
        return { sent, request: span.spanContext() };
      });
    await waitFor(() => byEventId(SpanKind.CONSUMER, sent.eventId).length === 1, 'the CONSUMER span');

    const [send] = byEventId(SpanKind.PRODUCER, sent.eventId);
    const [processed] = byEventId(SpanKind.CONSUMER, sent.eventId);
    const traceId = request.traceId;
    expect(send.spanContext().traceId).toBe(traceId);
    expect(processed.spanContext().traceId).toBe(traceId);
    expect(parentOf(send)).toBe(request.spanId);
    expect(parentOf(processed)).toBe(send.spanContext().spanId);
    // The handler ran inside its CONSUMER span.
    expect(seen.find((s) => s.id === 'w-1')).toMatchObject({
      spanId: processed.spanContext().spanId,
      traceId,
    });

    expect(send.name).toBe(`send ${topic}`);
    expect(send.status.code).toBe(SpanStatusCode.UNSET);
    expect(send.attributes).toMatchObject({
      'messaging.system': 'kafka',
      'messaging.destination.name': topic,
      'messaging.destination.partition.id': String(sent.partition),
      'messaging.kafka.offset': Number(sent.offset),
      'messaging.kafka.message.key': 'site-7',
      'messaging.operation.name': 'send',
      'messaging.operation.type': 'send',
      'messaging.message.id': sent.eventId,
      'kafka.event.name': 'work.ordered',
      'kafka.event.correlation_id': sent.correlationId,
    });
    expect(processed.name).toBe(`process ${topic}`);
    expect(processed.status.code).toBe(SpanStatusCode.UNSET);
    expect(processed.attributes).toMatchObject({
      'messaging.system': 'kafka',
      'messaging.destination.name': topic,
      'messaging.destination.partition.id': String(sent.partition),
      'messaging.kafka.offset': Number(sent.offset),
      'messaging.kafka.message.key': 'site-7',
      'messaging.consumer.group.name': orderedGroup,
      'messaging.operation.name': 'process',
      'messaging.operation.type': 'process',
      'messaging.message.id': sent.eventId,
      'kafka.event.name': 'work.ordered',
      'kafka.event.handler': 'TracedHandlers.ordered',
      'kafka.event.attempt': 1,
    });
  });

  it('gives each send of a sendBatch its own PRODUCER span under the caller, with its own partition and offset', async () => {
    const producer = app.get(KafkaProducerService);
    const { results, parent } = await trace
      .getTracer('test')
      .startActiveSpan('nightly import', async (span) => {
        const results = await producer.sendBatch([
          { eventName: 'work.ordered', payload: { id: 'b-1', forward: false }, options: { key: 'a' } },
          { eventName: 'work.ordered', payload: { id: 'b-2', forward: false }, options: { key: 'b' } },
        ]);
        span.end();
        return { results, parent: span.spanContext() };
      });
    for (const result of results) {
      await waitFor(() => byEventId(SpanKind.CONSUMER, result.eventId).length === 1, 'the CONSUMER span');
      const [send] = byEventId(SpanKind.PRODUCER, result.eventId);
      const [processed] = byEventId(SpanKind.CONSUMER, result.eventId);
      expect(parentOf(send)).toBe(parent.spanId);
      expect(send.spanContext().traceId).toBe(parent.traceId);
      expect(send.attributes['messaging.destination.partition.id']).toBe(String(result.partition));
      expect(send.attributes['messaging.kafka.offset']).toBe(Number(result.offset));
      expect(parentOf(processed)).toBe(send.spanContext().spanId);
    }
  });

  it('shows each attempt of a retried-then-parked event with its error.type, and the DLQ record keeps the trace', async () => {
    const sent = await app.get(KafkaProducerService).send('work.rejected', { id: 'r-1' });
    const [parked] = await readTopic(dlqTopic, (read) =>
      read.some((r) => header(r, EventHeaders.EVENT_ID) === sent.eventId),
    ).then((read) => read.filter((r) => header(r, EventHeaders.EVENT_ID) === sent.eventId));
    expect(header(parked, DeadLetterHeaders.ATTEMPTS)).toBe('3');

    const [send] = byEventId(SpanKind.PRODUCER, sent.eventId);
    const traceId = send.spanContext().traceId;
    const attemptSpans = await untilQuiet(() => byEventId(SpanKind.CONSUMER, sent.eventId), {
      expected: 3,
      what: 'attempt spans',
    });
    expect(attemptSpans.map((s) => s.attributes['kafka.event.attempt'])).toEqual([1, 2, 3]);
    for (const span of attemptSpans) {
      expect(span.spanContext().traceId).toBe(traceId);
      expect(parentOf(span)).toBe(send.spanContext().spanId);
      expect(span.attributes['error.type']).toBe('WorkOrderRejected');
      expect(span.status).toMatchObject({ code: SpanStatusCode.ERROR, message: 'work order r-1 rejected' });
    }
    // The DLQ record carries the original traceparent: a replay continues the sender's trace.
    expect(parseTraceparent(header(parked, 'traceparent'))).toEqual({
      traceId,
      spanId: send.spanContext().spanId,
    });
    // The write to the DLQ is a PRODUCER span of the same trace.
    await waitFor(() => spansOf(traceId).some((s) => s.name === `send ${dlqTopic}`), 'the DLQ write span');
    const dlqSpan = spansOf(traceId).find((s) => s.name === `send ${dlqTopic}`)!;
    expect(dlqSpan.kind).toBe(SpanKind.PRODUCER);
    expect(dlqSpan.attributes).toMatchObject({
      'messaging.destination.name': dlqTopic,
      'messaging.operation.type': 'send',
      'kafka.event.handler': 'TracedHandlers.rejected',
    });
    expect(attempts.filter((a) => a.id === 'r-1')).toHaveLength(3);
  });

  it('continues the trace through a send made inside a handler, and the correlation id with it', async () => {
    const sent = await app.get(KafkaProducerService).send('work.ordered', { id: 'c-1', forward: true });
    await waitFor(() => seen.some((s) => s.id === 'c-1.followup'), 'the follow-up handled');
    const [first] = byEventId(SpanKind.CONSUMER, sent.eventId);
    const traceId = first.spanContext().traceId;
    const followup = seen.find((s) => s.id === 'c-1.followup')!;
    expect(followup.traceId).toBe(traceId);
    expect(followup.correlationId).toBe(sent.correlationId);
    // handler CONSUMER span → follow-up PRODUCER span → follow-up CONSUMER span
    const followupConsumer = spansOf(traceId).find((s) => s.spanContext().spanId === followup.spanId)!;
    const followupSend = spansOf(traceId).find((s) => s.spanContext().spanId === parentOf(followupConsumer))!;
    expect(followupSend.kind).toBe(SpanKind.PRODUCER);
    expect(followupSend.attributes['kafka.event.name']).toBe('work.followup');
    expect(parentOf(followupSend)).toBe(first.spanContext().spanId);
    expect(followupConsumer.attributes['messaging.consumer.group.name']).toBe(followupGroup);
  });
});
