import { Admin, Kafka } from 'kafkajs';
import type { AdminClient, TopicToCreate } from '../admin-client.port';
import type { PartitionInfo, PartitionOffsets } from '../../interfaces/kafka-record.interface';
import { clientCall } from './kafkajs-error.mapper';

/** kafkajs' admin client with no retries of its own: the library bounds every call and retries on its terms. */
export class KafkajsAdminClient implements AdminClient {
  private readonly admin: Admin;

  constructor(kafka: Kafka) {
    this.admin = kafka.admin({ retry: { retries: 0 } });
  }

  connect(): Promise<void> {
    return clientCall(() => this.admin.connect());
  }

  async describeCluster(): Promise<{ brokers: number }> {
    const { brokers } = await clientCall(() => this.admin.describeCluster());
    return { brokers: brokers.length };
  }

  listTopics(): Promise<string[]> {
    return clientCall(() => this.admin.listTopics());
  }

  async partitions(topic: string): Promise<PartitionInfo[]> {
    const { topics } = await clientCall(() => this.admin.fetchTopicMetadata({ topics: [topic] }));
    return (topics[0]?.partitions ?? []).map(({ partitionId, leader }) => ({ partitionId, leader }));
  }

  async createTopics(topics: readonly TopicToCreate[]): Promise<void> {
    await clientCall(() => this.admin.createTopics({ waitForLeaders: true, topics: [...topics] }));
  }

  async topicOffsets(topic: string): Promise<PartitionOffsets[]> {
    const offsets = await clientCall(() => this.admin.fetchTopicOffsets(topic));
    return offsets.map(({ partition, low, high }) => ({ partition, low, high }));
  }

  async committedOffsets(groupId: string, topic: string): Promise<{ partition: number; offset: string }[]> {
    const [entry] = await clientCall(() => this.admin.fetchOffsets({ groupId, topics: [topic] }));
    return (entry?.partitions ?? []).map(({ partition, offset }) => ({ partition, offset }));
  }

  async setCommittedOffsets(
    groupId: string,
    topic: string,
    offsets: readonly { partition: number; offset: string }[],
  ): Promise<void> {
    await clientCall(() => this.admin.setOffsets({ groupId, topic, partitions: [...offsets] }));
  }

  disconnect(): Promise<void> {
    return clientCall(() => this.admin.disconnect());
  }
}
