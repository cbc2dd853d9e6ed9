import type { AdminClient } from '../admin-client.port';
import type { GroupConsumer, GroupConsumerEvents, GroupConsumerOptions } from '../group-consumer.port';
import type { KafkaClient, KafkaClientFactory, KafkaConnectionConfig } from '../kafka-client.port';
import type { RecordWriter } from '../record-writer.port';
import type { TopicReader, TopicReaderOptions } from '../topic-reader.port';
import { InMemoryTopicReader } from './in-memory.topic-reader';
import { InMemoryAdminClient } from './in-memory.admin-client';
import { InMemoryCluster } from './in-memory.cluster';
import { InMemoryGroupConsumer } from './in-memory.group-consumer';
import { InMemoryRecordWriter } from './in-memory.record-writer';

/**
 * A client on a Kafka cluster that lives in this process (module option `clientFactory`): for tests, and
 * for running an app with no broker. Every client it creates shares its one `cluster`, so two apps given
 * the same factory see each other's records. Connection settings are ignored.
 */
export class InMemoryClientFactory implements KafkaClientFactory {
  constructor(readonly cluster: InMemoryCluster = new InMemoryCluster()) {}

  create(_config: KafkaConnectionConfig): KafkaClient {
    const cluster = this.cluster;
    return {
      recordWriter: (): RecordWriter => new InMemoryRecordWriter(cluster),
      groupConsumer: (options: GroupConsumerOptions, events: GroupConsumerEvents): GroupConsumer =>
        new InMemoryGroupConsumer(cluster, options, events),
      admin: (): AdminClient => new InMemoryAdminClient(cluster),
      topicReader: (options: TopicReaderOptions): TopicReader => new InMemoryTopicReader(cluster, options),
    };
  }
}
