import type { AdminClient, TopicToCreate } from '../admin-client.port';
import type { PartitionInfo, PartitionOffsets } from '../../interfaces/kafka-record.interface';
import type { ConfluentAdmin, ConfluentKafka } from './confluent.api';
import { clientCall, ConnectionRefusals } from './confluent-error.mapper';

const LEADER_POLLS = 100;
const LEADER_POLL_MS = 50;

/** @confluentinc/kafka-javascript's admin client behind the port. */
export class ConfluentAdminClient implements AdminClient {
  private readonly admin: ConfluentAdmin;

  constructor(
    private readonly kafka: ConfluentKafka,
    private readonly bootstrapBrokers: number,
    private readonly refusals?: ConnectionRefusals,
  ) {
    this.admin = kafka.admin({ kafkaJS: { retry: { retries: 0 } } });
  }

  connect(): Promise<void> {
    return clientCall(() => this.admin.connect(), this.refusals);
  }

  async describeCluster(): Promise<{ brokers: number }> {
    // Its KafkaJS API has no describeCluster: a metadata call proves the cluster answers, and the count is the
    // bootstrap list's (health shows it as a detail only).
    await clientCall(() => this.admin.listTopics(), this.refusals);
    return { brokers: this.bootstrapBrokers };
  }

  listTopics(): Promise<string[]> {
    return clientCall(() => this.admin.listTopics(), this.refusals);
  }

  async partitions(topic: string): Promise<PartitionInfo[]> {
    try {
      const topics = await clientCall(
        () => this.admin.fetchTopicMetadata({ topics: [topic] }),
        this.refusals,
      );
      return (topics[0]?.partitions ?? []).map(({ partitionId, leader }) => ({ partitionId, leader }));
    } catch (error) {
      // The port's contract: a missing topic has no partitions.
      if (/UNKNOWN_TOPIC|Unknown topic/i.test(String((error as Error).message))) return [];
      throw error;
    }
  }

  async createTopics(topics: readonly TopicToCreate[]): Promise<void> {
    await clientCall(() => this.admin.createTopics({ topics: [...topics] }), this.refusals);
    // Its createTopics does not wait for leaders (kafkajs' waitForLeaders): the port promises they are elected.
    for (const { topic } of topics) {
      for (let attempt = 0; ; attempt++) {
        const partitions = await this.partitions(topic).catch(() => []);
        if (partitions.length > 0 && partitions.every((p) => p.leader >= 0)) break;
        if (attempt >= LEADER_POLLS) throw new Error(`no leaders for the partitions of ${topic}`);
        await new Promise((resolve) => setTimeout(resolve, LEADER_POLL_MS));
      }
    }
  }

  async topicOffsets(topic: string): Promise<PartitionOffsets[]> {
    const offsets = await clientCall(() => this.admin.fetchTopicOffsets(topic), this.refusals);
    return offsets.map(({ partition, low, high }) => ({ partition, low, high }));
  }

  async committedOffsets(groupId: string, topic: string): Promise<{ partition: number; offset: string }[]> {
    const [entry] = await clientCall(
      () => this.admin.fetchOffsets({ groupId, topics: [topic] }),
      this.refusals,
    );
    return (entry?.partitions ?? []).map(({ partition, offset }) => ({ partition, offset }));
  }

  disconnect(): Promise<void> {
    return clientCall(() => this.admin.disconnect(), this.refusals);
  }

  /**
   * Its KafkaJS admin has no setOffsets: a consumer of the group that never subscribes commits the offsets
   * (librdkafka sends them outside any generation, which the broker accepts only while the group is empty).
   */
  async setCommittedOffsets(
    groupId: string,
    topic: string,
    offsets: readonly { partition: number; offset: string }[],
  ): Promise<void> {
    const consumer = this.kafka.consumer({ kafkaJS: { groupId, autoCommit: false } });
    await clientCall(async () => {
      await consumer.connect();
      try {
        await consumer.commitOffsets(offsets.map(({ partition, offset }) => ({ topic, partition, offset })));
      } finally {
        await consumer.disconnect().catch(() => undefined);
      }
    }, this.refusals);
  }
}
