import { Inject, Injectable } from '@nestjs/common';
import { ClusterReachability, KafkaAdminService } from '../admin/kafka-admin.service';
import { HealthIndicatorResult, HealthIndicatorService } from '@nestjs/terminus';
import { KafkaConsumerService } from '../consumer/kafka-consumer.service';
import { DeadLetterPublisher } from '../dead-letter/dead-letter.publisher';
import { ConsumerGroupState, ConsumerGroupStatus } from '../interfaces/consumer-group-status.interface';
import type { ResolvedKafkaOptions } from '../config/kafka-module-options.interface';
import { KAFKA_OPTIONS } from '../kafka.constants';
import { KafkaProducerService } from '../producer/kafka-producer.service';

/** Group states in which a group is doing (or was deliberately told to stop doing) its job. */
const HEALTHY_GROUP_STATES: ReadonlySet<ConsumerGroupState> = new Set([
  'running',
  'rebalancing',
  'paused',
  'stopped',
]);

type Details = Record<string, unknown>;
type Verdict = 'up' | 'degraded' | 'down';

/**
 * @nestjs/terminus indicators on HealthIndicatorService (terminus v11+). Down when the broker cannot be
 * reached, the producer is not connected, a group is not consuming, or topics are missing; the details
 * name each group and its state. Each check is bounded by healthCheckTimeout and names no credentials.
 */
@Injectable()
export class KafkaHealthIndicator {
  /** @internal Made by Nest's injector. */
  constructor(
    private readonly health: HealthIndicatorService,
    @Inject(KAFKA_OPTIONS) private readonly options: ResolvedKafkaOptions,
    private readonly producer: KafkaProducerService,
    private readonly consumers: KafkaConsumerService,
    private readonly admin: KafkaAdminService,
    private readonly deadLetter: DeadLetterPublisher,
  ) {}

  /** Producer and consumers together. */
  async isHealthy(key = 'kafka'): Promise<HealthIndicatorResult> {
    if (!this.options.enabled) return this.disabled(key);
    const cluster = await this.admin.ping(this.options.healthCheckTimeout);
    const producer = this.producerDetails(cluster);
    const consumer = this.consumerDetails(cluster);
    const details = {
      ...this.clusterDetails(cluster),
      producer: producer.details,
      consumers: consumer.details,
    };
    return this.result(key, producer.up ? consumer.verdict : 'down', details);
  }

  async isProducerHealthy(key = 'kafka-producer'): Promise<HealthIndicatorResult> {
    if (!this.options.enabled) return this.disabled(key);
    const cluster = await this.admin.ping(this.options.healthCheckTimeout);
    const { up, details } = this.producerDetails(cluster);
    const all = { ...this.clusterDetails(cluster), producer: details };
    return up ? this.health.check(key).up(all) : this.health.check(key).down(all);
  }

  async isConsumerHealthy(key = 'kafka-consumer'): Promise<HealthIndicatorResult> {
    if (!this.options.enabled) return this.disabled(key);
    const cluster = await this.admin.ping(this.options.healthCheckTimeout);
    const { verdict, details } = this.consumerDetails(cluster);
    return this.result(key, verdict, { ...this.clusterDetails(cluster), consumers: details });
  }

  private disabled(key: string): HealthIndicatorResult {
    return this.health.check(key).up({ enabled: false, message: 'Kafka is disabled (KAFKA_ENABLED=false)' });
  }

  private clusterDetails(cluster: ClusterReachability): Details {
    return {
      enabled: true,
      brokers: this.options.brokers,
      cluster: cluster.reachable ? 'reachable' : `not reachable: ${cluster.error}`,
      ...(this.admin.missingTopics.length ? { missingTopics: [...this.admin.missingTopics] } : {}),
    };
  }

  private producerDetails(cluster: ClusterReachability): { up: boolean; details: string } {
    const connected = this.producer.isConnected;
    return { up: cluster.reachable && connected, details: connected ? 'connected' : 'disconnected' };
  }

  /**
   * A DLQ that cannot be written is `degraded` where terminus has that status (v12): consumers still handle
   * events, but failures pile up uncommitted. Terminus v11 knows only up and down, so there it is down.
   */
  private result(key: string, verdict: Verdict, details: Details): HealthIndicatorResult {
    const session = this.health.check(key) as ReturnType<HealthIndicatorService['check']> & {
      degraded?: (data: Details) => HealthIndicatorResult;
    };
    if (verdict === 'up') return session.up(details);
    if (verdict === 'degraded' && typeof session.degraded === 'function') return session.degraded(details);
    return session.down(details);
  }

  private consumerDetails(cluster: ClusterReachability): { verdict: Verdict; details: Details } {
    const groups = this.consumers.list();
    const dlq = this.deadLetter.unavailable;
    const details: Details = {
      groups: Object.fromEntries(groups.map((g) => [g.groupId, groupDetails(g)])),
      ...(dlq ? { deadLetter: `unavailable since ${dlq.since.toISOString()}: ${dlq.error}` } : {}),
    };
    const working =
      cluster.reachable &&
      this.admin.missingTopics.length === 0 &&
      groups.every((g) => HEALTHY_GROUP_STATES.has(g.state));
    const verdict: Verdict = !working ? 'down' : dlq ? 'degraded' : 'up';
    return { verdict, details };
  }
}

function groupDetails(group: ConsumerGroupStatus): Details {
  return {
    state: group.state,
    topics: group.topics,
    ...(group.missingTopics.length ? { missingTopics: group.missingTopics } : {}),
    ...(group.redelivery?.off ? { redelivery: `off: ${group.redelivery.off}` } : {}),
    ...(group.lastError && !HEALTHY_GROUP_STATES.has(group.state) ? { error: group.lastError } : {}),
  };
}
