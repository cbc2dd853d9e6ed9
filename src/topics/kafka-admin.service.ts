import { Inject, Injectable, Logger } from '@nestjs/common';
import { Admin, PartitionMetadata } from 'kafkajs';
import { KafkaClient } from '../client/kafka-client.factory';
import { ResolvedKafkaOptions } from '../interfaces/kafka-module-options.interface';
import { describeKafkaError } from '../client/kafka-error.describer';
import { KAFKA_CLIENT, KAFKA_OPTIONS } from '../kafka.constants';

export interface ClusterReachability {
  reachable: boolean;
  brokers?: number;
  error?: string;
}

/**
 * The admin client: broker reachability for health, and the startup topic check. Every call is bounded by
 * a timeout so a dead broker makes a call fail, never hang.
 */
@Injectable()
export class KafkaAdminService {
  private readonly logger = new Logger('KafkaAdmin');
  private admin?: Admin;
  private connecting?: Promise<Admin>;

  constructor(
    @Inject(KAFKA_OPTIONS) private readonly options: ResolvedKafkaOptions,
    @Inject(KAFKA_CLIENT) private readonly client: KafkaClient,
  ) {}

  async ping(timeoutMs: number): Promise<ClusterReachability> {
    try {
      const { brokers } = await withTimeout(
        this.use((admin) => admin.describeCluster()),
        timeoutMs,
        `no answer from ${this.options.brokers.join(',')} within ${timeoutMs} ms`,
      );
      return { reachable: true, brokers: brokers.length };
    } catch (error) {
      return { reachable: false, error: describeKafkaError(error) };
    }
  }

  async listTopics(timeoutMs = this.options.requestTimeout): Promise<Set<string>> {
    return new Set(
      await withTimeout(
        this.use((admin) => admin.listTopics()),
        timeoutMs,
        'listTopics timed out',
      ),
    );
  }

  /** Partitions of a topic with their leaders, as kafkajs' partitioners expect them. */
  async partitions(topic: string): Promise<PartitionMetadata[]> {
    const { topics } = await withTimeout(
      this.use((admin) => admin.fetchTopicMetadata({ topics: [topic] })),
      this.options.requestTimeout,
      `no metadata for topic ${topic} within ${this.options.requestTimeout} ms`,
    );
    return topics[0]?.partitions ?? [];
  }

  async createTopics(topics: string[], numPartitions: number, replicationFactor?: number): Promise<void> {
    await this.use((admin) =>
      admin.createTopics({
        waitForLeaders: true,
        topics: topics.map((topic) => ({ topic, numPartitions, replicationFactor: replicationFactor ?? -1 })),
      }),
    );
    this.logger.log(`Created topics: ${topics.join(', ')}`);
  }

  async disconnect(): Promise<void> {
    const admin = this.admin;
    this.admin = undefined;
    await admin?.disconnect().catch(() => undefined);
  }

  private async use<T>(call: (admin: Admin) => Promise<T>): Promise<T> {
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

  private connect(): Promise<Admin> {
    if (this.admin) return Promise.resolve(this.admin);
    this.connecting ??= (async () => {
      const admin = this.client.admin({ retry: { retries: 0 } });
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

export function withTimeout<T>(promise: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(message)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
