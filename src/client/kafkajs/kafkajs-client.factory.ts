import { Logger } from '@nestjs/common';
import { Consumer, Kafka, KafkaConfig, Producer, SASLOptions } from 'kafkajs';
import type { AdminClient } from '../admin-client.port';
import type { GroupConsumer, GroupConsumerEvents, GroupConsumerOptions } from '../group-consumer.port';
import type { KafkaClient, KafkaClientFactory, KafkaConnectionConfig } from '../kafka-client.port';
import type { RecordWriter, RecordWriterOptions } from '../record-writer.port';
import type { TopicReader, TopicReaderOptions } from '../topic-reader.port';
import { KafkajsAdminClient } from './kafkajs.admin-client';
import { KafkajsGroupConsumer } from './kafkajs.group-consumer';
import { kafkajsSendRetry, KafkajsRecordWriter } from './kafkajs.record-writer';
import { KafkajsTopicReader } from './kafkajs.topic-reader';
import { kafkajsLogCreator, kafkajsLogLevel } from './kafkajs-log.bridge';
import { patchKafkajsRecordEncoder } from './kafkajs-record-encoder.patch';
import { patchKafkajsMemberId } from './kafkajs-member-id.patch';
import { patchKafkajsRequestQueue } from './kafkajs-request-queue.patch';
import { patchKafkajsStartOffset } from './kafkajs-start-offset.patch';
import { ThrottledLogger } from '../../common/throttled-logger';
import { KafkaConfigError } from '../../errors/kafka-config.error';
import { groupProtocolUnsupported } from '../../kafka.messages';

// On import, before any kafkajs connection exists (ours, or one an app or a test helper makes with the same
// kafkajs): kafkajs' idle request queue arms a negative timer, a warning on Node 24 and a 1 ms loop on any Node.
patchKafkajsRequestQueue();

/** Hooks on the kafkajs objects the adapter makes, e.g. to count requests through kafkajs' instrumentation. */
export interface KafkajsInstrumentation {
  producer?: (producer: Producer) => void;
  consumer?: (consumer: Consumer) => void;
}

/** The default client: kafkajs. */
export class KafkajsClientFactory implements KafkaClientFactory {
  constructor(private readonly instrument: KafkajsInstrumentation = {}) {}

  create(config: KafkaConnectionConfig): KafkaClient {
    // kafkajs speaks only the classic protocol: refused when the module is made, not at the first join.
    if (config.groupProtocol === 'consumer') {
      throw new KafkaConfigError('groupProtocol', groupProtocolUnsupported('kafkajs'));
    }
    // Before this client's first send, which loads kafkajs' record encoder: the same bytes, far fewer buffers per
    // header. Here rather than on import: only a process that makes a kafkajs client of the library gets it (its
    // own kafkajs producers too, as they share the module).
    patchKafkajsRecordEncoder();
    // A consumer kafkajs restarts after the broker went away rejoins as the member its group still holds.
    patchKafkajsMemberId();
    // A partition never committed keeps the start it got at the first join, not the end at the next one.
    patchKafkajsStartOffset();
    if (typeof config.ssl === 'object' && config.ssl.rejectUnauthorized === false) {
      // Never silently off: this accepts any certificate, so a man in the middle can read every event.
      new Logger('Kafka').warn(
        'TLS certificate verification is OFF (rejectUnauthorized: false / KAFKA_SSL_REJECT_UNAUTHORIZED=false)',
      );
    }
    const settings: KafkaConfig = {
      clientId: config.clientId,
      brokers: config.brokers,
      ssl: config.ssl,
      sasl: config.sasl as SASLOptions | undefined,
      connectionTimeout: config.connectionTimeout,
      requestTimeout: config.requestTimeout,
      logLevel: kafkajsLogLevel(config.logLevel),
      logCreator: kafkajsLogCreator(new ThrottledLogger(new Logger('Kafka'))),
    };
    const kafka = new Kafka(settings);
    const { producer, consumer } = this.instrument;
    return {
      // A Kafka of its own: its retry settings are the send budget's, and a send reconnects with them.
      recordWriter: (options: RecordWriterOptions): RecordWriter =>
        new KafkajsRecordWriter(
          new Kafka({ ...settings, retry: kafkajsSendRetry(options) }),
          options,
          config.requestTimeout,
          producer,
        ),
      groupConsumer: (options: GroupConsumerOptions, events: GroupConsumerEvents): GroupConsumer =>
        new KafkajsGroupConsumer(kafka, options, events, consumer),
      admin: (): AdminClient => new KafkajsAdminClient(kafka),
      topicReader: (options: TopicReaderOptions): TopicReader => new KafkajsTopicReader(kafka, options),
    };
  }
}
