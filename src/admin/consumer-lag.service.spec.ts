import { MeterProvider, MetricReader } from '@opentelemetry/sdk-metrics';
import type { ResolvedKafkaOptions } from '../config/kafka-module-options.interface';
import { MetricsRecorder } from '../telemetry/metrics.recorder';
import { ConsumerLagService, LAG_GAUGE_CACHE_MS } from './consumer-lag.service';
import type { KafkaAdminService } from './kafka-admin.service';

class TestReader extends MetricReader {
  protected async onForceFlush(): Promise<void> {}
  protected async onShutdown(): Promise<void> {}
}

/** An admin service that answers from fixed offsets and counts the broker requests it would make. */
function fakeAdmin() {
  const calls = { topicOffsets: 0, committedOffsets: 0 };
  const admin = {
    topicOffsets: async () => {
      calls.topicOffsets++;
      return [{ partition: 0, low: '0', high: '8' }];
    },
    committedOffsets: async () => {
      calls.committedOffsets++;
      return [{ partition: 0, offset: '5' }];
    },
  } as unknown as KafkaAdminService;
  return { admin, calls };
}

const options = { enabled: true, requestTimeout: 30_000, healthCheckTimeout: 800 } as ResolvedKafkaOptions;

async function lagPoints(reader: TestReader): Promise<number[]> {
  const { resourceMetrics } = await reader.collect();
  return resourceMetrics.scopeMetrics
    .flatMap((s) => s.metrics)
    .filter((m) => m.descriptor.name === 'kafka_events.consumer.lag')
    .flatMap((m) => m.dataPoints.map((p) => p.value as number));
}

describe('ConsumerLagService', () => {
  let now: jest.SpyInstance<number, []>;

  beforeEach(() => {
    now = jest.spyOn(Date, 'now').mockReturnValue(1_000_000);
  });

  afterEach(() => now.mockRestore());

  it('feeds the lag gauge from at most one broker reading per LAG_GAUGE_CACHE_MS, however often it is scraped', async () => {
    const reader = new TestReader();
    const provider = new MeterProvider({ readers: [reader] });
    const { admin, calls } = fakeAdmin();
    const lag = new ConsumerLagService(options, admin, new MetricsRecorder(provider.getMeter('test')));
    lag.watch([{ groupId: 'g', topics: ['t'], fromBeginning: false }]);

    expect(await lagPoints(reader)).toEqual([3]);
    expect(await lagPoints(reader)).toEqual([3]);
    now.mockReturnValue(1_000_000 + LAG_GAUGE_CACHE_MS - 1);
    expect(await lagPoints(reader)).toEqual([3]);
    expect(calls).toEqual({ topicOffsets: 1, committedOffsets: 1 });

    now.mockReturnValue(1_000_000 + LAG_GAUGE_CACHE_MS);
    expect(await lagPoints(reader)).toEqual([3]);
    expect(calls).toEqual({ topicOffsets: 2, committedOffsets: 2 });
    await provider.shutdown();
  });

  it('reads the broker afresh on every lag() call', async () => {
    const { admin, calls } = fakeAdmin();
    const lag = new ConsumerLagService(options, admin, undefined);
    lag.watch([{ groupId: 'g', topics: ['t'], fromBeginning: false }]);
    await lag.lag();
    await lag.lag();
    await lag.lag('g');
    expect(calls).toEqual({ topicOffsets: 3, committedOffsets: 3 });
  });
});
