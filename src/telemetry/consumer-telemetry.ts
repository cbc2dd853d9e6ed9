import type { MetricsRecorder } from './metrics.recorder';
import type { KafkaTracing } from './tracing';

/** What a consumer group records of its work; each part is absent when it is off. */
export interface ConsumerTelemetry {
  readonly metrics?: MetricsRecorder;
  readonly tracing?: KafkaTracing;
}
