import { HealthIndicatorService } from '@nestjs/terminus';
import { ConsumerLagService } from '../admin/consumer-lag.service';
import { KafkaAdminService } from '../admin/kafka-admin.service';
import type { AdminClient } from '../client/admin-client.port';
import type { KafkaClient } from '../client/kafka-client.port';
import type { ResolvedKafkaOptions } from '../config/kafka-module-options.interface';
import type { KafkaConsumerService } from '../consumer/kafka-consumer.service';
import type { DeadLetterPublisher } from '../dead-letter/dead-letter.publisher';
import type { KafkaProducerService } from '../producer/kafka-producer.service';
import { KafkaHealthIndicator } from './kafka.health';

const HEALTH_CHECK_TIMEOUT_MS = 150;

/** A broker that takes connections and never answers an offsets request. */
const silentAdmin = {
  connect: async () => undefined,
  topicOffsets: () => new Promise(() => undefined),
  committedOffsets: () => new Promise(() => undefined),
  disconnect: async () => undefined,
} as unknown as AdminClient;

function indicator(enabled = true): KafkaHealthIndicator {
  const options = {
    enabled,
    brokers: ['broker:9092'],
    requestTimeout: 30_000,
    healthCheckTimeout: HEALTH_CHECK_TIMEOUT_MS,
  } as ResolvedKafkaOptions;
  const admin = new KafkaAdminService(options, { admin: () => silentAdmin } as unknown as KafkaClient);
  const lag = new ConsumerLagService(options, admin, undefined);
  lag.watch([{ groupId: 'orders', topics: ['fsm.orders'], fromBeginning: false }]);
  return new KafkaHealthIndicator(
    new HealthIndicatorService(),
    options,
    {} as KafkaProducerService,
    {} as KafkaConsumerService,
    admin,
    {} as DeadLetterPublisher,
    lag,
  );
}

describe('KafkaHealthIndicator.isLagBelow', () => {
  it('is down, naming the bound, once a broker that does not answer has had healthCheckTimeout', async () => {
    const started = Date.now();
    const result = await indicator().isLagBelow('kafka-lag', 100);
    expect(Date.now() - started).toBeLessThan(HEALTH_CHECK_TIMEOUT_MS + 500);
    expect(result['kafka-lag']).toMatchObject({
      status: 'down',
      maxLag: 100,
      error: expect.stringContaining(`within ${HEALTH_CHECK_TIMEOUT_MS} ms`),
    });
  });

  it('is up without a broker call when Kafka is disabled', async () => {
    const result = await indicator(false).isLagBelow('kafka-lag', 0);
    expect(result['kafka-lag']).toMatchObject({ status: 'up', enabled: false });
  });
});
