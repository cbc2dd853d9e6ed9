import { Inject, Injectable } from '@nestjs/common';
import { ConsumerLagService } from '../admin/consumer-lag.service';
import { ClusterReachability, KafkaAdminService } from '../admin/kafka-admin.service';
import { describeKafkaError } from '../client/kafka-client.error';
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

/** Group states in which a group counts as ready: consuming, or held back by the app's own call. */
const READY_GROUP_STATES: ReadonlySet<ConsumerGroupState> = new Set([
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
    private readonly lag: ConsumerLagService,
  ) {}

  /**
   * Liveness, for an orchestrator's liveness probe: answers from the library's own state, with no broker
   * call. Down when a group has held records without finishing one for longer than `health.livenessTtlMs`
   * (a hung handler), or its consumer keeps failing for a reason other than an unreachable broker. A broker
   * outage keeps it up: restarting the process would not help (readiness goes down instead).
   */
  isAlive(key = 'kafka-liveness'): HealthIndicatorResult {
    if (!this.options.enabled) return this.disabled(key);
    const now = Date.now();
    let alive = true;
    const groups: Details = {};
    for (const runner of this.consumers.all()) {
      const verdict = runner.liveness(now);
      alive &&= verdict.alive;
      groups[runner.groupId] = verdict.alive ? 'alive' : `not progressing: ${verdict.reason}`;
    }
    const details = { groups };
    return alive ? this.health.check(key).up(details) : this.health.check(key).down(details);
  }

  /**
   * Readiness, for an orchestrator's readiness probe: the producer is connected and every group is consuming
   * (joined, and fetched once since), or held back by the app's own pause() / stop(). No broker call: it
   * reads the state the clients report, so it answers at once, also while the broker is down.
   */
  isReady(key = 'kafka-readiness'): HealthIndicatorResult {
    if (!this.options.enabled) return this.disabled(key);
    const groups = this.consumers.list();
    const connected = this.producer.isConnected;
    const ready = connected && groups.every((g) => READY_GROUP_STATES.has(g.state));
    const details = {
      producer: connected ? 'connected' : 'not connected',
      groups: Object.fromEntries(groups.map((g) => [g.groupId, g.state])),
    };
    return ready ? this.health.check(key).up(details) : this.health.check(key).down(details);
  }

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

  /**
   * Lag, for a dashboard or an alerting check (not a liveness probe: a restart does not shrink a backlog). Down
   * when a group's lag, summed over its partitions, is above `maxLag`, or when the broker does not answer within
   * `healthCheckTimeout`. `groupId` checks that group alone (UnknownConsumerGroupError for one no handler
   * declares); by default every group of the app. Details give each group's total and its partitions behind.
   */
  async isLagBelow(
    key: string,
    maxLag: number,
    options: { groupId?: string } = {},
  ): Promise<HealthIndicatorResult> {
    if (!this.options.enabled) return this.disabled(key);
    const groups = this.lag.select(options.groupId);
    let rows;
    try {
      rows = await this.lag.read(groups, this.options.healthCheckTimeout);
    } catch (error) {
      return this.health.check(key).down({ maxLag, error: describeKafkaError(error) });
    }
    const totals: Details = {};
    let below = true;
    for (const { groupId } of groups) {
      const mine = rows.filter((r) => r.groupId === groupId);
      const lag = mine.reduce((sum, r) => sum + r.lag, 0);
      below &&= lag <= maxLag;
      const behind = mine.filter((r) => r.lag > 0).map((r) => [`${r.topic}[${r.partition}]`, r.lag]);
      totals[groupId] = { lag, ...(behind.length > 0 && { partitions: Object.fromEntries(behind) }) };
    }
    const details = { maxLag, groups: totals };
    return below ? this.health.check(key).up(details) : this.health.check(key).down(details);
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
