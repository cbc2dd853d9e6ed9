import { Inject, Injectable, Logger } from '@nestjs/common';
import type { AdminClient } from '../client/admin-client.port';
import { describeKafkaError, KafkaClientError } from '../client/kafka-client.error';
import type { KafkaClient } from '../client/kafka-client.port';
import type { PartitionInfo, PartitionOffsets } from '../interfaces/kafka-record.interface';
import type { ResolvedKafkaOptions } from '../config/kafka-module-options.interface';
import { KAFKA_CLIENT, KAFKA_OPTIONS } from '../kafka.constants';
import { withTimeout } from '../common/with-timeout';
import { redeliveryTopicRefused } from '../kafka.messages';
import { refusedByEveryBroker } from '../client/broker-socket.probe';

export interface ClusterReachability {
  reachable: boolean;
  brokers?: number;
  error?: string;
}

/**
 * The admin client: broker reachability for health, partitions for the producer, and the topics the app
 * needs (checked, or created, at startup; the missing ones are kept here for health to report). Every call
 * is bounded by a timeout so a dead broker makes a call fail, never hang.
 */
@Injectable()
export class KafkaAdminService {
  private readonly logger = new Logger('KafkaAdmin');
  private admin?: AdminClient;
  private connecting?: Promise<AdminClient>;
  private missing: string[] = [];
  /** Optional topics whose creation was refused and logged: logged once, however often startup retries. */
  private readonly refusedOptional = new Set<string>();

  constructor(
    @Inject(KAFKA_OPTIONS) private readonly options: ResolvedKafkaOptions,
    @Inject(KAFKA_CLIENT) private readonly client: KafkaClient,
  ) {}

  /** Topics needed but missing at the last check (createTopics off). */
  get missingTopics(): readonly string[] {
    return this.missing;
  }

  /**
   * Whether the cluster answers a metadata request within `timeoutMs`. Brokers that all refuse the connection
   * are reported at once with that reason (ECONNREFUSED), not after the timeout as "no answer".
   */
  async ping(timeoutMs: number): Promise<ClusterReachability> {
    const answer = withTimeout(
      this.use((admin) => admin.describeCluster()),
      timeoutMs,
      `no answer from ${this.options.brokers.join(',')} within ${timeoutMs} ms`,
    );
    const refused = refusedByEveryBroker(this.options.brokers, timeoutMs).then((refusal) => {
      if (refusal) throw refusal;
      return answer;
    });
    try {
      const { brokers } = await Promise.race([answer, refused]);
      return { reachable: true, brokers };
    } catch (error) {
      return { reachable: false, error: describeKafkaError(error) };
    }
  }

  /**
   * Checks that `needed` topics exist, creating the missing ones when `createTopics` is on; returns (and
   * remembers for health) the ones still missing.
   */
  async ensureTopics(needed: Iterable<string>): Promise<string[]> {
    const existing = new Set(
      await withTimeout(
        this.use((admin) => admin.listTopics()),
        this.options.requestTimeout,
        'listTopics timed out',
      ),
    );
    let missing = [...new Set(needed)].filter((t) => !existing.has(t)).sort();
    if (missing.length > 0 && this.options.createTopics) {
      const { numPartitions, replicationFactor } = this.options.createTopics;
      await this.use((admin) =>
        admin.createTopics(
          missing.map((topic) => ({ topic, numPartitions, replicationFactor: replicationFactor ?? -1 })),
        ),
      );
      this.logger.log(`Created topics: ${missing.join(', ')}`);
      missing = [];
    }
    this.missing = missing;
    return missing;
  }

  /**
   * The library's own topics, which the app can run without (the DLQ redelivery routes): created when missing,
   * with or without `createTopics` (as Kafka Streams creates its internal topics), with createTopics' settings
   * or 3 partitions and the broker's replication factor. A creation the cluster refuses (no CreateTopics
   * permission, a topic policy) is logged once per topic with its cause and never fails startup; the ones
   * still missing are returned, not reported as missing to health.
   */
  async ensureOptionalTopics(wanted: Iterable<string>): Promise<string[]> {
    const needed = [...new Set(wanted)];
    if (needed.length === 0) return [];
    const existing = new Set(
      await withTimeout(
        this.use((admin) => admin.listTopics()),
        this.options.requestTimeout,
        'listTopics timed out',
      ),
    );
    const missing = needed.filter((t) => !existing.has(t)).sort();
    if (missing.length === 0) return [];
    const { numPartitions = 3, replicationFactor } = this.options.createTopics || {};
    try {
      await withTimeout(
        this.use((admin) =>
          admin.createTopics(
            missing.map((topic) => ({ topic, numPartitions, replicationFactor: replicationFactor ?? -1 })),
          ),
        ),
        this.options.requestTimeout,
        `createTopics timed out after ${this.options.requestTimeout} ms`,
      );
      this.logger.log(`Created topics: ${missing.join(', ')}`);
      return [];
    } catch (error) {
      // A broker away (or slow) is retried with the rest of startup; a refusal would only be refused again.
      if (!(error instanceof KafkaClientError) || error.retriable || error.kind === 'unreachable')
        throw error;
      const fresh = missing.filter((t) => !this.refusedOptional.has(t));
      fresh.forEach((t) => this.refusedOptional.add(t));
      if (fresh.length > 0) this.logger.warn(redeliveryTopicRefused(fresh, describeKafkaError(error)));
      return missing;
    }
  }

  /** Partitions of a topic with their leaders, for the producer's partitioner. */
  async partitions(topic: string): Promise<PartitionInfo[]> {
    return withTimeout(
      this.use((admin) => admin.partitions(topic)),
      this.options.requestTimeout,
      `no metadata for topic ${topic} within ${this.options.requestTimeout} ms`,
    );
  }

  /** Low and high watermarks of each partition of a topic, within `timeoutMs`. */
  async topicOffsets(topic: string, timeoutMs: number): Promise<PartitionOffsets[]> {
    return withTimeout(
      this.use((admin) => admin.topicOffsets(topic)),
      timeoutMs,
      `no offsets for topic ${topic} from ${this.options.brokers.join(',')} within ${timeoutMs} ms`,
    );
  }

  /** A group's committed offset per partition of a topic ('-1' where it has none), within `timeoutMs`. */
  async committedOffsets(
    groupId: string,
    topic: string,
    timeoutMs: number,
  ): Promise<{ partition: number; offset: string }[]> {
    return withTimeout(
      this.use((admin) => admin.committedOffsets(groupId, topic)),
      timeoutMs,
      `no committed offsets of group ${groupId} on ${topic} within ${timeoutMs} ms`,
    );
  }

  async disconnect(): Promise<void> {
    const admin = this.admin;
    this.admin = undefined;
    await admin?.disconnect().catch(() => undefined);
  }

  private async use<T>(call: (admin: AdminClient) => Promise<T>): Promise<T> {
    const admin = await this.connect();
    try {
      return await call(admin);
    } catch (error) {
      // A broken connection is rebuilt on the next call rather than reused.
      if (this.admin === admin) this.admin = undefined;
      void admin.disconnect().catch(() => undefined);
      throw error;
    }
  }

  private connect(): Promise<AdminClient> {
    if (this.admin) return Promise.resolve(this.admin);
    this.connecting ??= (async () => {
      const admin = this.client.admin();
      try {
        await admin.connect();
        this.admin = admin;
        return admin;
      } finally {
        this.connecting = undefined;
      }
    })();
    return this.connecting;
  }
}
