import { metrics } from '@opentelemetry/api';
import { DataPoint, Histogram, MeterProvider, MetricReader } from '@opentelemetry/sdk-metrics';
import { Injectable } from '@nestjs/common';
import { Test, TestingModule } from '@nestjs/testing';
import { randomUUID } from 'node:crypto';
import { EventHandler, KafkaConsumerService } from '../index';
import { KafkaTestHarness, KafkaTestingModule } from '../testing';
import { BillingHandlers, OrdersHandlers, OrdersStore } from '../../test/testing/orders.fixture';
import { errorType, MetricsRecorder } from './metrics.recorder';

/** Holds each `orders.order.held` event until the test releases it. */
@Injectable()
class HoldingHandlers {
  release?: () => void;

  @EventHandler({ eventName: 'orders.order.held' })
  onHeld(): Promise<void> {
    return new Promise((resolve) => (this.release = resolve));
  }
}

/** A reader collected on demand. */
class TestReader extends MetricReader {
  protected async onForceFlush(): Promise<void> {}
  protected async onShutdown(): Promise<void> {}
}

type Point = DataPoint<number | Histogram>;

async function points(reader: TestReader, name: string): Promise<Point[]> {
  const { resourceMetrics } = await reader.collect();
  return resourceMetrics.scopeMetrics
    .flatMap((scope) => scope.metrics)
    .filter((metric) => metric.descriptor.name === name)
    .flatMap((metric) => metric.dataPoints as Point[]);
}

/** Sum of counter values, or of histogram counts, over the points whose attributes include `attributes`. */
async function total(
  reader: TestReader,
  name: string,
  attributes: Record<string, string> = {},
): Promise<number> {
  return (await points(reader, name))
    .filter((p) => Object.entries(attributes).every(([k, v]) => p.attributes[k] === v))
    .reduce((sum, p) => sum + (typeof p.value === 'number' ? p.value : p.value.count), 0);
}

describe('metrics (in-memory transport)', () => {
  let reader: TestReader;
  let provider: MeterProvider;
  let moduleRef: TestingModule | undefined;

  beforeEach(() => {
    reader = new TestReader();
    provider = new MeterProvider({ readers: [reader] });
    metrics.setGlobalMeterProvider(provider);
  });

  afterEach(async () => {
    await moduleRef?.close();
    moduleRef = undefined;
    await provider.shutdown();
    metrics.disable();
  });

  async function start(telemetry?: { metrics?: boolean }): Promise<KafkaTestHarness> {
    moduleRef = await Test.createTestingModule({
      imports: [
        KafkaTestingModule.forRoot({
          clientId: `orders-${randomUUID().slice(0, 8)}`,
          retryDelays: 'skip',
          telemetry,
        }),
      ],
      providers: [OrdersHandlers, OrdersStore, BillingHandlers, HoldingHandlers],
    }).compile();
    await moduleRef.init();
    return moduleRef.get(KafkaTestHarness);
  }

  it('records each handler attempt, the retries and the park of an event that keeps failing', async () => {
    const kafka = await start();
    await kafka.emit('orders.order.created', { orderId: 'o-1', total: 42 });
    await kafka.emit('orders.order.cancelled', { orderId: 'o-2' });

    const process = 'messaging.process.duration';
    expect(await total(reader, process, { 'kafka_events.handler': 'OrdersHandlers.onCreated' })).toBe(1);
    expect(
      await total(reader, process, {
        'kafka_events.handler': 'OrdersHandlers.onCancelled',
        'error.type': 'Error',
      }),
    ).toBe(3);
    const retries = 'kafka_events.handler.retries';
    expect(await total(reader, retries, { 'kafka_events.handler': 'OrdersHandlers.onCancelled' })).toBe(2);
    expect(await total(reader, retries, { 'kafka_events.handler': 'OrdersHandlers.onCreated' })).toBe(0);
    const parked = 'kafka_events.dead_letter.parked';
    expect(
      await total(reader, parked, {
        'kafka_events.dead_letter.reason': 'handler-error',
        'kafka_events.handler': 'OrdersHandlers.onCancelled',
        'error.type': 'Error',
      }),
    ).toBe(1);
    expect(await total(reader, parked)).toBe(1);
  });

  it('counts the sends of a handler and the records its group consumed', async () => {
    const kafka = await start();
    const created = await kafka.emit('orders.order.created', { orderId: 'o-3', total: 7 });
    // onCreated sends billing.invoice.requested, which BillingHandlers consumes.
    const invoices = kafka.published('billing.*');
    expect(invoices).toHaveLength(1);
    await kafka.emit('orders.order.created', { orderId: 'o-4', total: 8 });

    const sent = 'messaging.client.sent.messages';
    expect(await total(reader, sent, { 'messaging.destination.name': invoices[0].topic })).toBe(2);
    // Each group on the topic consumes each record once: 2 records, as many groups as the topic has.
    const groups = moduleRef!
      .get(KafkaConsumerService)
      .list()
      .filter((g) => g.topics.includes(created.topic));
    const consumed = 'messaging.client.consumed.messages';
    for (const { groupId } of groups) {
      expect(await total(reader, consumed, { 'messaging.consumer.group.name': groupId })).toBe(2);
    }
    expect(await total(reader, consumed, { 'messaging.destination.name': created.topic })).toBe(
      2 * groups.length,
    );
    expect(
      await total(reader, 'messaging.client.operation.duration', { 'messaging.operation.name': 'send' }),
    ).toBe(await total(reader, sent));
  });

  it('reports a record as in flight while its handler works on it, and not once it is handled', async () => {
    const kafka = await start();
    const holding = moduleRef!.get(HoldingHandlers);
    const inFlight = async () =>
      (await points(reader, 'kafka_events.consumer.records_in_flight'))
        .filter((p) =>
          String(p.attributes['messaging.consumer.group.name']).endsWith('HoldingHandlers.onHeld'),
        )
        .map((p) => p.value);
    expect(await inFlight()).toEqual([0]);

    const emitted = kafka.emit('orders.order.held', { orderId: 'o-6' });
    while (!holding.release) await new Promise((resolve) => setImmediate(resolve));
    try {
      expect(await inFlight()).toEqual([1]);
    } finally {
      holding.release();
      await emitted;
    }
    expect(await inFlight()).toEqual([0]);
  });

  it('records nothing with telemetry.metrics false, though a MeterProvider is registered', async () => {
    const kafka = await start({ metrics: false });
    await kafka.emit('orders.order.cancelled', { orderId: 'o-5' });
    const { resourceMetrics } = await reader.collect();
    expect(resourceMetrics.scopeMetrics.flatMap((s) => s.metrics)).toEqual([]);
  });
});

describe('MetricsRecorder.create', () => {
  it('is undefined without a registered MeterProvider: the hot path pays one check', () => {
    metrics.disable();
    expect(MetricsRecorder.create(true)).toBeUndefined();
  });
});

describe('errorType', () => {
  it("is the error's class name, and _OTHER for a thrown non-error", () => {
    expect(errorType(new RangeError('x'))).toBe('RangeError');
    expect(errorType('text')).toBe('_OTHER');
  });
});
