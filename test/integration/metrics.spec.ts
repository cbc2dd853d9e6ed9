import { INestApplicationContext, Injectable } from '@nestjs/common';
import { metrics } from '@opentelemetry/api';
import { PrometheusExporter } from '@opentelemetry/exporter-prometheus';
import { MeterProvider } from '@opentelemetry/sdk-metrics';
import { freePort } from '../../broker/free-port';
import { EventHandler, KafkaConsumerService, KafkaProducerService } from '../../src';
import { uniqueName, untilQuiet, waitFor } from '../support/kafka';
import { startTestApp, waitForGroups } from '../support/kafka-app';

const seen = { shipments: [] as string[], refunds: [] as string[] };

@Injectable()
class ShipmentHandlers {
  static readonly groupId = uniqueName('shipments');

  @EventHandler({ eventName: 'shipment.*', groupId: ShipmentHandlers.groupId, fromBeginning: true })
  onShipment(event: { shipmentId: string }) {
    seen.shipments.push(event.shipmentId);
  }
}

@Injectable()
class RefundHandlers {
  static readonly groupId = uniqueName('refunds');

  @EventHandler({
    eventName: 'refund.*',
    groupId: RefundHandlers.groupId,
    fromBeginning: true,
    retry: { attempts: 3, backoff: { initialMs: 10, jitter: false } },
  })
  async onRefund(event: { refundId: string }) {
    seen.refunds.push(event.refundId);
    throw new RangeError(`refund ${event.refundId} exceeds the order total`);
  }
}

/** One sample of a Prometheus text exposition: its metric name, labels and value. */
interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

function parseExposition(text: string): Sample[] {
  const samples: Sample[] = [];
  for (const line of text.split('\n')) {
    const match = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})?\s+(\S+)/.exec(line);
    if (!match || line.startsWith('#')) continue;
    const labels: Record<string, string> = {};
    for (const [, key, value] of (match[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)) labels[key] = value;
    samples.push({ name: match[1], labels, value: Number(match[3]) });
  }
  return samples;
}

/** The sum of `name`'s samples whose labels include `labels`. */
function total(samples: Sample[], name: string, labels: Record<string, string>): number {
  return samples
    .filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v))
    .reduce((sum, s) => sum + s.value, 0);
}

describe('metrics scraped by Prometheus (OpenTelemetry PrometheusExporter)', () => {
  const shipmentTopic = uniqueName('shipments');
  const refundTopic = uniqueName('refunds');
  const shipments = 5;
  let app: INestApplicationContext;
  let exporter: PrometheusExporter;
  let provider: MeterProvider;
  let scrapeUrl: string;

  beforeAll(async () => {
    // As docs/metrics.md sets it up: the provider registered before the Nest app is created.
    const port = await freePort();
    exporter = new PrometheusExporter({ host: '127.0.0.1', port });
    provider = new MeterProvider({ readers: [exporter] });
    metrics.setGlobalMeterProvider(provider);
    scrapeUrl = `http://127.0.0.1:${port}/metrics`;

    app = await startTestApp({
      providers: [ShipmentHandlers, RefundHandlers],
      kafka: { topics: { shipment: shipmentTopic, refund: refundTopic }, dlqTopic: uniqueName('dlq') },
    });
    await waitForGroups(app);
  });

  afterAll(async () => {
    await app?.close();
    await provider?.shutdown();
    metrics.disable();
  });

  it('counts what was sent, consumed, attempted, retried and parked, and reports lag and records in flight', async () => {
    const producer = app.get(KafkaProducerService);
    for (let i = 0; i < shipments; i++) {
      await producer.send('shipment.dispatched', { shipmentId: `s-${i}` }, { key: `s-${i}` });
    }
    await producer.send('refund.requested', { refundId: 'r-1' });
    await untilQuiet(() => seen.shipments, { expected: shipments, what: 'every shipment handled' });
    const consumers = app.get(KafkaConsumerService);
    await waitFor(() => consumers.get(RefundHandlers.groupId)!.parked === 1, 'the refund to be parked');
    expect(seen.refunds).toEqual(['r-1', 'r-1', 'r-1']);

    const response = await fetch(scrapeUrl);
    expect(response.status).toBe(200);
    const samples = parseExposition(await response.text());
    const shipmentGroup = { messaging_consumer_group_name: ShipmentHandlers.groupId };
    const refundGroup = { messaging_consumer_group_name: RefundHandlers.groupId };

    // messaging.client.sent.messages, per destination; none failed.
    const sent = 'messaging_client_sent_messages_total';
    expect(total(samples, sent, { messaging_destination_name: shipmentTopic })).toBe(shipments);
    expect(total(samples, sent, { messaging_destination_name: refundTopic })).toBe(1);
    expect(samples.filter((s) => s.name === sent && s.labels.error_type)).toEqual([]);
    // messaging.client.operation.duration: one observation per send.
    const sends = 'messaging_client_operation_duration_count';
    expect(total(samples, sends, { messaging_destination_name: shipmentTopic })).toBe(shipments);

    // messaging.client.consumed.messages: each record once, summed over the partitions it came from.
    const consumed = 'messaging_client_consumed_messages_total';
    expect(total(samples, consumed, shipmentGroup)).toBe(shipments);
    expect(total(samples, consumed, refundGroup)).toBe(1);
    const partitions = samples.filter(
      (s) => s.name === consumed && s.labels.messaging_consumer_group_name === ShipmentHandlers.groupId,
    );
    expect(partitions.every((s) => /^[0-2]$/.test(s.labels.messaging_destination_partition_id))).toBe(true);

    // messaging.process.duration: one observation per handler attempt; the failed ones carry error.type.
    const attempts = 'messaging_process_duration_count';
    expect(
      total(samples, attempts, { ...shipmentGroup, kafka_events_handler: 'ShipmentHandlers.onShipment' }),
    ).toBe(shipments);
    expect(total(samples, attempts, { ...refundGroup, error_type: 'RangeError' })).toBe(3);
    expect(total(samples, attempts, refundGroup)).toBe(3);

    // Ours: retries by handler, parks by reason and error.
    expect(
      total(samples, 'kafka_events_handler_retries_total', {
        kafka_events_handler: 'RefundHandlers.onRefund',
      }),
    ).toBe(2);
    expect(total(samples, 'kafka_events_handler_retries_total', shipmentGroup)).toBe(0);
    expect(
      total(samples, 'kafka_events_dead_letter_parked_total', {
        ...refundGroup,
        kafka_events_dead_letter_reason: 'handler-error',
        error_type: 'RangeError',
      }),
    ).toBe(1);

    // Gauges: lag per group, topic and partition; records in flight per group (none now).
    const lag = samples.filter(
      (s) =>
        s.name === 'kafka_events_consumer_lag' &&
        s.labels.messaging_consumer_group_name === ShipmentHandlers.groupId,
    );
    expect(lag.map((s) => s.labels.messaging_destination_name)).toEqual([
      shipmentTopic,
      shipmentTopic,
      shipmentTopic,
    ]);
    expect(lag.every((s) => s.value >= 0)).toBe(true);
    expect(total(samples, 'kafka_events_consumer_records_in_flight', shipmentGroup)).toBe(0);
    expect(
      samples.some(
        (s) =>
          s.name === 'kafka_events_consumer_records_in_flight' &&
          s.labels.messaging_consumer_group_name === RefundHandlers.groupId,
      ),
    ).toBe(true);
  });
});
