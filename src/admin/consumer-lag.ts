import type { ConsumerPartitionLag } from '../interfaces/consumer-lag.interface';
import type { PartitionOffsets } from '../interfaces/kafka-record.interface';

/** What the lag of one group on one topic is computed from. */
interface LagInput {
  groupId: string;
  topic: string;
  /** Where a group with no committed offset starts: the log start (true) or the end (false). */
  fromBeginning: boolean;
  /** Low and high watermark per partition. */
  offsets: readonly PartitionOffsets[];
  /** Committed offset per partition, '-1' (or absent) where the group has none. */
  committed: readonly { partition: number; offset: string }[];
}

/**
 * Lag per partition: high watermark − committed offset, as Kafka's `kafka-consumer-groups --describe` prints it
 * (also when retention deleted records below the committed offset). With no committed offset, Kafka prints "-";
 * here it is counted from where the group would start: the log start with fromBeginning, else the end (0).
 * So a group that never read a topic it reads from the end does not look behind, and one that reads from the
 * beginning owes every retained record. Never negative. Pure: the offsets come from the admin client.
 */
export function partitionLag(input: LagInput): ConsumerPartitionLag[] {
  const committed = new Map(input.committed.map((c) => [c.partition, c.offset]));
  return [...input.offsets]
    .sort((a, b) => a.partition - b.partition)
    .map(({ partition, low, high }) => {
      const offset = committed.get(partition);
      const hasCommit = offset !== undefined && BigInt(offset) >= 0n;
      const from = hasCommit ? BigInt(offset) : input.fromBeginning ? BigInt(low) : BigInt(high);
      const lag = BigInt(high) - from;
      return {
        groupId: input.groupId,
        topic: input.topic,
        partition,
        committedOffset: hasCommit ? offset : null,
        highWatermark: high,
        lag: lag > 0n ? Number(lag) : 0,
      };
    });
}
