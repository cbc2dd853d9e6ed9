/** How far one consumer group is behind on one partition: what `ConsumerLagService.lag()` returns per partition. */
export interface ConsumerPartitionLag {
  groupId: string;
  topic: string;
  partition: number;
  /**
   * The group's committed offset (the next record it reads, Kafka's CURRENT-OFFSET) as decimal text; null when
   * the group has committed nothing on this partition yet.
   */
  committedOffset: string | null;
  /** The partition's high watermark (the offset the next record written gets, Kafka's LOG-END-OFFSET). */
  highWatermark: string;
  /**
   * Records the group has yet to handle: highWatermark − committedOffset. With no committed offset, counted
   * from where the group starts reading: the log start with `fromBeginning`, else the end (0).
   */
  lag: number;
}
