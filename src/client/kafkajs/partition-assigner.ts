import { Message } from 'kafkajs';
import type { PartitionInfo } from '../../interfaces/kafka-record.interface';
import type { TopicRecord } from '../record-writer.port';
import { KeyPartitioner } from './key-partitioner';

const METADATA_TTL_MS = 30_000;

interface TopicPartitions {
  partitioner: KeyPartitioner;
  /** partition id -> its leader */
  leaders: Map<number, number>;
  fetchedAt: number;
}

export interface PartitionedMessages {
  topic: string;
  partition: number;
  /** The partition's leader when its metadata was read (-1: none), to send each leader's partitions together. */
  leader: number;
  messages: Message[];
  /** Position of each message in the caller's list, to hand each its own metadata back. */
  positions: number[];
}

/**
 * Chooses each record's partition before it reaches kafkajs, as kafkajs' default partitioner does
 * (Java-compatible murmur2 on the key; round-robin over partitions with a leader for keyless records).
 *
 * Why: a kafkajs send that spans several leaders can resolve successfully while dropping the records of a
 * partition whose leader moved during the send (its retry skips brokers that already answered; kafkajs
 * issue #1303). The writer sends each leader's partitions in one request and checks the response for every
 * partition it sent (produce-response.guard.ts); knowing each record's partition up front is what lets it
 * give every record its exact offset.
 */
export class PartitionAssigner {
  private readonly metadata = new Map<string, TopicPartitions>();

  constructor(private readonly fetchPartitions: (topic: string) => Promise<PartitionInfo[]>) {}

  /** Groups records by topic and partition, keeping their order within each partition. */
  async assign(records: readonly TopicRecord[]): Promise<PartitionedMessages[]> {
    const topics = new Map<string, TopicPartitions>();
    for (const topic of new Set(records.map((r) => r.topic))) topics.set(topic, await this.topic(topic));
    const groups: PartitionedMessages[] = [];
    // topic -> partition -> its group
    const index = new Map<string, Map<number, PartitionedMessages>>();
    records.forEach((record, position) => {
      const { topic } = record;
      const { partitioner, leaders } = topics.get(topic)!;
      const partition = partitioner.partition(record);
      let byPartition = index.get(topic);
      if (!byPartition) index.set(topic, (byPartition = new Map()));
      let group = byPartition.get(partition);
      if (!group) {
        group = { topic, partition, leader: leaders.get(partition) ?? -1, messages: [], positions: [] };
        byPartition.set(partition, group);
        groups.push(group);
      }
      group.messages.push({ key: record.key, value: record.value, headers: record.headers, partition });
      group.positions.push(position);
    });
    return groups;
  }

  /** Forgets a topic's partitions, so the next send reads them again (after an error, or a topic change). */
  invalidate(topic: string): void {
    this.metadata.delete(topic);
  }

  private async topic(topic: string): Promise<TopicPartitions> {
    const cached = this.metadata.get(topic);
    if (cached && Date.now() - cached.fetchedAt < METADATA_TTL_MS) return cached;
    const partitions = await this.fetchPartitions(topic);
    if (partitions.length === 0) throw new Error(`Topic ${topic} has no partitions (does it exist?)`);
    const entry: TopicPartitions = {
      partitioner: new KeyPartitioner(partitions),
      leaders: new Map(partitions.map((p) => [p.partitionId, p.leader])),
      fetchedAt: Date.now(),
    };
    this.metadata.set(topic, entry);
    return entry;
  }
}
