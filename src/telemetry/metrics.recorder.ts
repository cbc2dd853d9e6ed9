import type { Attributes, Counter, Histogram, Meter, ObservableResult } from '@opentelemetry/api';
import { openTelemetry } from './opentelemetry.api';

/** The instruments' names (docs/metrics.md lists each with its unit and attributes). */
const MetricNames = {
  SENT: 'messaging.client.sent.messages',
  CONSUMED: 'messaging.client.consumed.messages',
  PROCESS_DURATION: 'messaging.process.duration',
  OPERATION_DURATION: 'messaging.client.operation.duration',
  RETRIES: 'kafka_events.handler.retries',
  PARKED: 'kafka_events.dead_letter.parked',
  IN_FLIGHT: 'kafka_events.consumer.records_in_flight',
  LAG: 'kafka_events.consumer.lag',
} as const;

/** Attribute names: the OpenTelemetry messaging conventions', and ours under the `kafka_events.` prefix. */
const MetricAttributes = {
  SYSTEM: 'messaging.system',
  OPERATION: 'messaging.operation.name',
  DESTINATION: 'messaging.destination.name',
  PARTITION: 'messaging.destination.partition.id',
  GROUP: 'messaging.consumer.group.name',
  ERROR_TYPE: 'error.type',
  HANDLER: 'kafka_events.handler',
  REASON: 'kafka_events.dead_letter.reason',
} as const;

/** Seconds, as the conventions want for durations; buckets from 5 ms (a quick handler) to 60 s (a slow one). */
const DURATION_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10, 30, 60];

/** One group's records in flight, for the gauge. */
interface InFlightReading {
  groupId: string;
  inFlight: number;
}

/** One partition's lag, for the gauge. */
interface LagReading {
  groupId: string;
  topic: string;
  partition: number;
  lag: number;
}

/** The conventions' error.type: the error's class name, `_OTHER` for a thrown non-error. */
export function errorType(error: unknown): string {
  return error instanceof Error ? error.name || error.constructor.name : '_OTHER';
}

/**
 * The library's metrics through the OpenTelemetry metrics API. `create` returns undefined when metrics are off,
 * `@opentelemetry/api` is not installed, or no MeterProvider is registered: the callers then hold `undefined`
 * and pay one check per record. Instruments are made once, so a MeterProvider must be registered before the
 * Nest app is created (the API hands a no-op meter out before that, and it stays a no-op).
 */
export class MetricsRecorder {
  private readonly sent: Counter;
  private readonly consumed: Counter;
  private readonly processDuration: Histogram;
  private readonly operationDuration: Histogram;
  private readonly retries: Counter;
  private readonly parks: Counter;
  private readonly handlerAttributeSets = new Map<string, Attributes>();

  constructor(private readonly meter: Meter) {
    this.sent = meter.createCounter(MetricNames.SENT, {
      description: 'Records the producer sent (error.type set when the broker did not take them)',
      unit: '{message}',
    });
    this.consumed = meter.createCounter(MetricNames.CONSUMED, {
      description: 'Records delivered to the handlers of a consumer group',
      unit: '{message}',
    });
    this.processDuration = meter.createHistogram(MetricNames.PROCESS_DURATION, {
      description: 'Duration of one handler attempt on one record',
      unit: 's',
      advice: { explicitBucketBoundaries: DURATION_BUCKETS },
    });
    this.operationDuration = meter.createHistogram(MetricNames.OPERATION_DURATION, {
      description: 'Duration of a send, from the call to the broker acknowledging it',
      unit: 's',
      advice: { explicitBucketBoundaries: DURATION_BUCKETS },
    });
    this.retries = meter.createCounter(MetricNames.RETRIES, {
      description: 'Handler attempts after the first (retries), by handler',
      unit: '{retry}',
    });
    this.parks = meter.createCounter(MetricNames.PARKED, {
      description: 'Records parked in the dead-letter topic, by reason and error',
      unit: '{message}',
    });
  }

  /** The recorder on the global MeterProvider, or undefined when there is nothing to record into. */
  static create(enabled: boolean): MetricsRecorder | undefined {
    if (!enabled || !openTelemetry) return undefined;
    const meter = openTelemetry.metrics.getMeter('nestjs-kafka-event-system');
    // The API's no-op meter is one shared object: no MeterProvider registered, nothing to record.
    if (meter === openTelemetry.createNoopMeter()) return undefined;
    return new MetricsRecorder(meter);
  }

  /** `count` records sent to `topic` (with error.type: failed), the send taking `seconds`. */
  send(topic: string, count: number, seconds: number, error?: unknown): void {
    const attributes: Attributes = {
      [MetricAttributes.SYSTEM]: 'kafka',
      [MetricAttributes.OPERATION]: 'send',
      [MetricAttributes.DESTINATION]: topic,
      ...(error !== undefined && { [MetricAttributes.ERROR_TYPE]: errorType(error) }),
    };
    this.sent.add(count, attributes);
    this.operationDuration.record(seconds, attributes);
  }

  /** Attributes of one consumed partition, made once per batch. */
  partitionAttributes(groupId: string, topic: string, partition: number): Attributes {
    return {
      [MetricAttributes.SYSTEM]: 'kafka',
      [MetricAttributes.OPERATION]: 'process',
      [MetricAttributes.GROUP]: groupId,
      [MetricAttributes.DESTINATION]: topic,
      [MetricAttributes.PARTITION]: String(partition),
    };
  }

  /** One record delivered to a group's handlers. */
  consume(partitionAttributes: Attributes): void {
    this.consumed.add(1, partitionAttributes);
  }

  /**
   * Attributes of one handler on one topic (no partition: a histogram per partition multiplies series), made
   * once and reused for every attempt.
   */
  handlerAttributes(groupId: string, topic: string, handler: string): Attributes {
    const key = `${groupId}\n${topic}\n${handler}`;
    let attributes = this.handlerAttributeSets.get(key);
    if (!attributes) {
      attributes = this.newHandlerAttributes(groupId, topic, handler);
      this.handlerAttributeSets.set(key, attributes);
    }
    return attributes;
  }

  private newHandlerAttributes(groupId: string, topic: string, handler: string): Attributes {
    return {
      [MetricAttributes.SYSTEM]: 'kafka',
      [MetricAttributes.OPERATION]: 'process',
      [MetricAttributes.GROUP]: groupId,
      [MetricAttributes.DESTINATION]: topic,
      [MetricAttributes.HANDLER]: handler,
    };
  }

  /** One handler attempt took `seconds`; `error` when it failed (threw, or timed out). */
  attempt(handlerAttributes: Attributes, seconds: number, error?: unknown): void {
    this.processDuration.record(
      seconds,
      error === undefined
        ? handlerAttributes
        : { ...handlerAttributes, [MetricAttributes.ERROR_TYPE]: errorType(error) },
    );
  }

  /** A handler is about to try a record again. */
  retry(handlerAttributes: Attributes): void {
    this.retries.add(1, handlerAttributes);
  }

  /** A record was written to the dead-letter topic for one handler's (or the routing's) failure. */
  park(failure: { groupId: string; topic: string; handler: string; reason: string; error: unknown }): void {
    this.parks.add(1, {
      [MetricAttributes.SYSTEM]: 'kafka',
      [MetricAttributes.GROUP]: failure.groupId,
      [MetricAttributes.DESTINATION]: failure.topic,
      [MetricAttributes.HANDLER]: failure.handler,
      [MetricAttributes.REASON]: failure.reason,
      [MetricAttributes.ERROR_TYPE]: errorType(failure.error),
    });
  }

  /** Reports each group's records in flight at every collection. */
  observeInFlight(read: () => Iterable<InFlightReading>): void {
    const gauge = this.meter.createObservableGauge(MetricNames.IN_FLIGHT, {
      description: 'Records handed to a group’s handlers and not yet handled or parked',
      unit: '{message}',
    });
    gauge.addCallback((result: ObservableResult) => {
      for (const { groupId, inFlight } of read()) {
        result.observe(inFlight, { [MetricAttributes.SYSTEM]: 'kafka', [MetricAttributes.GROUP]: groupId });
      }
    });
  }

  /** Reports the lag per group, topic and partition at every collection (`read` caches: see ConsumerLagService). */
  observeLag(read: () => Promise<readonly LagReading[]>): void {
    const gauge = this.meter.createObservableGauge(MetricNames.LAG, {
      description: 'Records of a partition after the group’s committed offset (high watermark − committed)',
      unit: '{message}',
    });
    gauge.addCallback(async (result: ObservableResult) => {
      // A broker that does not answer leaves the gauge out of this collection rather than failing it.
      const readings = await read().catch(() => []);
      for (const { groupId, topic, partition, lag } of readings) {
        result.observe(lag, {
          [MetricAttributes.SYSTEM]: 'kafka',
          [MetricAttributes.GROUP]: groupId,
          [MetricAttributes.DESTINATION]: topic,
          [MetricAttributes.PARTITION]: String(partition),
        });
      }
    });
  }
}
