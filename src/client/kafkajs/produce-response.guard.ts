/** One partition of a kafkajs send, as the writer sent it. */
interface SentPartition {
  readonly topic: string;
  readonly partition: number;
}

/** One partition's acknowledgement, as kafkajs returns it from `send` (its `RecordMetadata`). */
interface PartitionAcknowledgement {
  topicName: string;
  partition: number;
  baseOffset?: string;
}

interface AcknowledgementCheck<T extends SentPartition> {
  /** The partitions the response acknowledged, each with the offset of its first record. */
  acknowledged: { sent: T; baseOffset: string }[];
  /** The partitions the response does not mention: not written as far as anyone can tell. */
  missing: T[];
}

/**
 * Matches what one kafkajs send carried to what it returned. Why: kafkajs' retry of a send that spans brokers
 * skips the brokers that already answered, so a partition whose leader moved onto one of them is never sent
 * again, yet the send resolves (kafkajs issue #1303). Such a partition is absent from the returned metadata;
 * the writer re-sends it rather than report its records written. A partition acknowledged twice (a retry that
 * sent it to a new leader after an old one had answered) keeps its first offset.
 */
export function checkAcknowledgements<T extends SentPartition>(
  sent: readonly T[],
  acknowledgements: readonly PartitionAcknowledgement[],
): AcknowledgementCheck<T> {
  // topic -> partition -> base offset
  const offsets = new Map<string, Map<number, string>>();
  for (const { topicName, partition, baseOffset } of acknowledgements) {
    if (baseOffset === undefined || baseOffset === null) continue;
    let byPartition = offsets.get(topicName);
    if (!byPartition) offsets.set(topicName, (byPartition = new Map()));
    if (!byPartition.has(partition)) byPartition.set(partition, baseOffset);
  }
  const result: AcknowledgementCheck<T> = { acknowledged: [], missing: [] };
  for (const partition of sent) {
    const baseOffset = offsets.get(partition.topic)?.get(partition.partition);
    if (baseOffset === undefined) result.missing.push(partition);
    else result.acknowledged.push({ sent: partition, baseOffset });
  }
  return result;
}
