import type { PartitionInfo, PartitionOffsets } from '../interfaces/kafka-record.interface';

export interface TopicToCreate {
  topic: string;
  numPartitions: number;
  /** -1 for the broker's default. */
  replicationFactor: number;
}

/** Cluster and topic metadata, topic creation and offsets. Calls fail fast: the caller bounds and retries them. */
export interface AdminClient {
  connect(): Promise<void>;
  /** Brokers in the cluster. */
  describeCluster(): Promise<{ brokers: number }>;
  listTopics(): Promise<string[]>;
  /** Partitions of a topic with their leaders; empty when the topic does not exist. */
  partitions(topic: string): Promise<PartitionInfo[]>;
  /** Creates topics and waits for their leaders. */
  createTopics(topics: readonly TopicToCreate[]): Promise<void>;
  /** Low and high watermarks of each partition of a topic. */
  topicOffsets(topic: string): Promise<PartitionOffsets[]>;
  /** A group's committed offset per partition of a topic ('-1' where it has none). */
  committedOffsets(groupId: string, topic: string): Promise<{ partition: number; offset: string }[]>;
  /** Sets a group's committed offsets (the next record to read) on partitions of a topic; the group must be empty. */
  setCommittedOffsets(
    groupId: string,
    topic: string,
    offsets: readonly { partition: number; offset: string }[],
  ): Promise<void>;
  disconnect(): Promise<void>;
}
