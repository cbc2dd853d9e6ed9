import { KafkaClientError } from '../kafka-client.error';
import type { TopicReader } from '../topic-reader.port';

/** What the confluent adapter does not do yet: said at the call, by name, with what to use instead. */
export function unsupportedOnConfluent(what: string): KafkaClientError {
  return new KafkaClientError(
    'other',
    false,
    `${what} is not supported on the confluent client yet: run it with KAFKA_CLIENT=kafkajs (the default)`,
  );
}

/** Dead-letter replay reads the DLQ with a TopicReader; on confluent it refuses at once. */
export const unsupportedTopicReader: TopicReader = {
  read: () => Promise.reject(unsupportedOnConfluent('Reading a topic between offsets (dead-letter replay)')),
  stop: () => undefined,
};
