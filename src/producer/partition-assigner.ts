import { Message, Partitioners, PartitionMetadata } from 'kafkajs';

const METADATA_TTL_MS = 30_000;

export interface PartitionedMessages {
  topic: string;
  partition: number;
  messages: Message[];
  /** Position of each message in the caller's list, to hand each its own metadata back. */
  positions: number[];
}

/**
 * Chooses each record's partition before it reaches kafkajs, with kafkajs' own default partitioner
 * (Java-compatible murmur2 on the key; round-robin over partitions with a leader for keyless records).
 *
 * Why: a kafkajs send that spans several leaders can resolve successfully while dropping the records of a
 * partition whose leader moved during the send (its retry skips brokers that already answered; kafkajs
 * issue #1303). Sending each partition's records in a request of their own makes that impossible, and
 * gives every record its exact offset.
 */
export class PartitionAssigner {
  private readonly partitioner = Partitioners.DefaultPartitioner();
  private readonly metadata = new Map<string, { partitions: PartitionMetadata[]; fetchedAt: number }>();

  constructor(private readonly fetchPartitions: (topic: string) => Promise<PartitionMetadata[]>) {}

  /** Groups records by topic and partition, keeping their order within each partition. */
  async assign(records: readonly { topic: string; message: Message }[]): Promise<PartitionedMessages[]> {
    const metadata = new Map<string, PartitionMetadata[]>();
    for (const topic of new Set(records.map((r) => r.topic)))
      metadata.set(topic, await this.partitions(topic));
    const groups = new Map<string, PartitionedMessages>();
    records.forEach(({ topic, message }, position) => {
      const partition = this.partitioner({ topic, partitionMetadata: metadata.get(topic)!, message });
      const key = `${topic}\u0000${partition}`;
      let group = groups.get(key);
      if (!group) groups.set(key, (group = { topic, partition, messages: [], positions: [] }));
      group.messages.push({ ...message, partition });
      group.positions.push(position);
    });
    return [...groups.values()];
  }

  /** Forgets a topic's partitions, so the next send reads them again (after an error, or a topic change). */
  invalidate(topic: string): void {
    this.metadata.delete(topic);
  }

  private async partitions(topic: string): Promise<PartitionMetadata[]> {
    const cached = this.metadata.get(topic);
    if (cached && Date.now() - cached.fetchedAt < METADATA_TTL_MS) return cached.partitions;
    const partitions = await this.fetchPartitions(topic);
    if (partitions.length === 0) throw new Error(`Topic ${topic} has no partitions (does it exist?)`);
    this.metadata.set(topic, { partitions, fetchedAt: Date.now() });
    return partitions;
  }
}
