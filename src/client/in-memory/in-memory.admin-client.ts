import type { PartitionInfo, PartitionOffsets } from '../../interfaces/kafka-record.interface';
import type { AdminClient, TopicToCreate } from '../admin-client.port';
import type { InMemoryCluster } from './in-memory.cluster';

/** The in-memory cluster's metadata: one broker, leading every partition. */
export class InMemoryAdminClient implements AdminClient {
  constructor(private readonly cluster: InMemoryCluster) {}

  async connect(): Promise<void> {}

  async describeCluster(): Promise<{ brokers: number }> {
    return { brokers: 1 };
  }

  async listTopics(): Promise<string[]> {
    return this.cluster.topicNames();
  }

  async partitions(topic: string): Promise<PartitionInfo[]> {
    return this.each(topic, (partitionId) => ({ partitionId, leader: 0 }));
  }

  async createTopics(topics: readonly TopicToCreate[]): Promise<void> {
    for (const { topic, numPartitions } of topics) this.cluster.createTopic(topic, numPartitions);
  }

  async topicOffsets(topic: string): Promise<PartitionOffsets[]> {
    return this.each(topic, (partition) => ({
      partition,
      low: '0',
      high: String(this.cluster.endOffset(topic, partition)),
    }));
  }

  async committedOffsets(groupId: string, topic: string): Promise<{ partition: number; offset: string }[]> {
    return this.each(topic, (partition) => ({
      partition,
      offset: String(this.cluster.committed(groupId, topic, partition) ?? -1),
    }));
  }

  async setCommittedOffsets(
    groupId: string,
    topic: string,
    offsets: readonly { partition: number; offset: string }[],
  ): Promise<void> {
    for (const { partition, offset } of offsets)
      this.cluster.commit(groupId, topic, partition, Number(offset));
  }

  async disconnect(): Promise<void> {}

  private each<T>(topic: string, map: (partition: number) => T): T[] {
    return Array.from({ length: this.cluster.partitionCount(topic) }, (_, partition) => map(partition));
  }
}
