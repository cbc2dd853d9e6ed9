import { Inject, Injectable } from '@nestjs/common';
import type { ResolvedKafkaOptions } from '../config/kafka-module-options.interface';
import { UnknownConsumerGroupError } from '../errors/unknown-consumer-group.error';
import type { ConsumerPartitionLag } from '../interfaces/consumer-lag.interface';
import { KAFKA_METRICS, KAFKA_OPTIONS } from '../kafka.constants';
import type { MetricsRecorder } from '../telemetry/metrics.recorder';
import { partitionLag } from './consumer-lag';
import { KafkaAdminService } from './kafka-admin.service';

/** @internal A consumer group of this app, as far as its lag goes. */
interface LagGroup {
  groupId: string;
  topics: readonly string[];
  fromBeginning: boolean;
}

/** @internal How long one reading serves the lag gauge: scrapes more often than this do not reach the broker. */
export const LAG_GAUGE_CACHE_MS = 5000;

/**
 * Consumer lag of this app's groups, per topic and partition: the partition's high watermark minus the group's
 * committed offset, read through the admin client (what `kafka-consumer-groups --describe` prints). Feeds the
 * `kafka_events.consumer.lag` gauge (at most one broker round per LAG_GAUGE_CACHE_MS) and
 * `KafkaHealthIndicator.isLagBelow`.
 */
@Injectable()
export class ConsumerLagService {
  private groups: LagGroup[] = [];
  private gauge?: { at: number; reading: Promise<ConsumerPartitionLag[]> };

  /** @internal Made by Nest's injector. */
  constructor(
    @Inject(KAFKA_OPTIONS) private readonly options: ResolvedKafkaOptions,
    private readonly admin: KafkaAdminService,
    @Inject(KAFKA_METRICS) private readonly metrics: MetricsRecorder | undefined,
  ) {}

  /** @internal The orchestrator hands over the app's groups at bootstrap. */
  watch(groups: readonly LagGroup[]): void {
    const first = this.groups.length === 0;
    this.groups = [...groups];
    if (first && this.groups.length > 0 && this.options.enabled) {
      this.metrics?.observeLag(() => this.gaugeReading());
    }
  }

  /**
   * Lag of one group (by id) or of every group of this app, per topic and partition, read from the broker now.
   * Rejects with UnknownConsumerGroupError for a group no handler declares, and with the client's error when
   * the broker does not answer within `requestTimeout`.
   */
  async lag(groupId?: string): Promise<ConsumerPartitionLag[]> {
    return this.read(this.select(groupId), this.options.requestTimeout);
  }

  /** @internal For health: like lag(), bounded by `timeoutMs`. */
  read(groups: readonly LagGroup[], timeoutMs: number): Promise<ConsumerPartitionLag[]> {
    return Promise.all(
      groups.flatMap((g) => g.topics.map((topic) => this.readTopic(g, topic, timeoutMs))),
    ).then((rows) => rows.flat());
  }

  /** @internal The groups `groupId` names (all of them when undefined). */
  select(groupId?: string): LagGroup[] {
    if (groupId === undefined) return this.groups;
    const group = this.groups.find((g) => g.groupId === groupId);
    if (!group)
      throw new UnknownConsumerGroupError(
        groupId,
        this.groups.map((g) => g.groupId),
      );
    return [group];
  }

  private async readTopic(
    group: LagGroup,
    topic: string,
    timeoutMs: number,
  ): Promise<ConsumerPartitionLag[]> {
    const [offsets, committed] = await Promise.all([
      this.admin.topicOffsets(topic, timeoutMs),
      this.admin.committedOffsets(group.groupId, topic, timeoutMs),
    ]);
    return partitionLag({
      groupId: group.groupId,
      topic,
      fromBeginning: group.fromBeginning,
      offsets,
      committed,
    });
  }

  /**
   * For the gauge: one reading shared by the scrapes of LAG_GAUGE_CACHE_MS, bounded by healthCheckTimeout so a
   * dead broker does not hold a scrape; a topic that cannot be read is left out, not the whole gauge.
   */
  private gaugeReading(): Promise<ConsumerPartitionLag[]> {
    const now = Date.now();
    if (this.gauge && now - this.gauge.at < LAG_GAUGE_CACHE_MS) return this.gauge.reading;
    const timeoutMs = this.options.healthCheckTimeout;
    const reading = Promise.allSettled(
      this.groups.flatMap((g) => g.topics.map((topic) => this.readTopic(g, topic, timeoutMs))),
    ).then((results) => results.flatMap((r) => (r.status === 'fulfilled' ? r.value : [])));
    this.gauge = { at: now, reading };
    return reading;
  }
}
