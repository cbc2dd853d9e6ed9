/** KafkaConsumerService was asked about a group no @EventHandler declares. */
export class UnknownConsumerGroupError extends Error {
  override readonly name = 'UnknownConsumerGroupError';

  constructor(
    readonly groupId: string,
    readonly knownGroups: readonly string[],
  ) {
    super(`No Kafka consumer group "${groupId}"; known groups: ${knownGroups.join(', ') || '(none)'}`);
  }
}
