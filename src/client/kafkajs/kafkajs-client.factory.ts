import { Logger } from '@nestjs/common';
import { Consumer, Kafka, Producer, SASLOptions } from 'kafkajs';
import type { AdminClient } from '../admin-client.port';
import type { GroupConsumer, GroupConsumerEvents, GroupConsumerOptions } from '../group-consumer.port';
import type { KafkaClient, KafkaClientFactory, KafkaConnectionConfig } from '../kafka-client.port';
import type { RecordWriter, RecordWriterOptions } from '../record-writer.port';
import type { TopicReader, TopicReaderOptions } from '../topic-reader.port';
import { KafkajsAdminClient } from './kafkajs.admin-client';
import { KafkajsGroupConsumer } from './kafkajs.group-consumer';
import { KafkajsRecordWriter } from './kafkajs.record-writer';
import { KafkajsTopicReader } from './kafkajs.topic-reader';
import { kafkajsLogCreator, kafkajsLogLevel } from './kafkajs-log.bridge';
import { patchKafkajsRecordEncoder } from './kafkajs-record-encoder.patch';
import { patchKafkajsRequestQueue } from './kafkajs-request-queue.patch';
import { ThrottledLogger } from '../throttled-logger';

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
    // Before this client's first send, which loads kafkajs' record encoder: the same bytes, far fewer buffers per
    // header. Here rather than on import: only a process that makes a kafkajs client of the library gets it (its
    // own kafkajs producers too, as they share the module).
    patchKafkajsRecordEncoder();
    if (typeof config.ssl === 'object' && config.ssl.rejectUnauthorized === false) {
      // Never silently off: this accepts any certificate, so a man in the middle can read every event.
      new Logger('Kafka').warn(
        'TLS certificate verification is OFF (rejectUnauthorized: false / KAFKA_SSL_REJECT_UNAUTHORIZED=false)',
      );
    }
    const kafka = new Kafka({
      clientId: config.clientId,
      brokers: config.brokers,
      ssl: config.ssl,
      sasl: config.sasl as SASLOptions | undefined,
      connectionTimeout: config.connectionTimeout,
      requestTimeout: config.requestTimeout,
      logLevel: kafkajsLogLevel(config.logLevel),
      logCreator: kafkajsLogCreator(new ThrottledLogger(new Logger('Kafka'))),
    });
    const { producer, consumer } = this.instrument;
    return {
      recordWriter: (options: RecordWriterOptions): RecordWriter =>
        new KafkajsRecordWriter(kafka, options, config.requestTimeout, producer),
      groupConsumer: (options: GroupConsumerOptions, events: GroupConsumerEvents): GroupConsumer =>
        new KafkajsGroupConsumer(kafka, options, events, consumer),
      admin: (): AdminClient => new KafkajsAdminClient(kafka),
      topicReader: (options: TopicReaderOptions): TopicReader => new KafkajsTopicReader(kafka, options),
    };
  }
}
