/** What the consumer loop lends the work on one record: liveness, and permission to go on. */
export interface PartitionControl {
  /** Keeps the group membership alive (kafkajs sends one only when the interval has passed). */
  heartbeat: () => Promise<void>;
  /** false once the consumer stops or loses the partition: give up and leave the offset uncommitted. */
  shouldContinue: () => boolean;
}
