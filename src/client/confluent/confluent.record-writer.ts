import type { KafkaCompression } from '../../interfaces/kafka-connection-options.interface';
import type { RecordWriter, RecordWriterOptions, TopicRecord, WriteOutcome } from '../record-writer.port';
import type { ConfluentKafka, ConfluentProducer } from './confluent.api';
import { BrokerLink } from './confluent-broker-link';
import { clientCall, ConnectionRefusals, toClientError } from './confluent-error.mapper';
import { KafkaClientError } from '../kafka-client.error';
import { sendBudgetMs } from '../send-budget';

const COMPRESSION: Record<KafkaCompression, string> = {
  none: 'none',
  gzip: 'gzip',
  snappy: 'snappy',
  lz4: 'lz4',
  zstd: 'zstd',
};

/**
 * librdkafka's idempotent producer (acks=all, up to 5 requests in flight per broker with order kept) through
 * the KafkaJS-compatible API. Keys are placed by `murmur2_random`, Java's and kafkajs' partitioner, so a key
 * keeps its partition when an app moves between clients. librdkafka batches records per partition itself
 * (linger.ms), and reports each record's delivery on its own: one `send` per record gives each its outcome,
 * and kafkajs #1303 (a partition silently dropped from a multi-partition request) does not arise.
 */
export class ConfluentRecordWriter implements RecordWriter {
  private readonly producer: ConfluentProducer;
  private connected = false;
  /** librdkafka retries a broker that went away by itself: connected also means a broker connection is up. */
  private readonly link = new BrokerLink();
  /** Set when this build of librdkafka lacks the codec: every write fails with it, before anything is sent. */
  private readonly codecMissing?: KafkaClientError;

  constructor(
    kafka: ConfluentKafka,
    options: RecordWriterOptions,
    private readonly refusals?: ConnectionRefusals,
    /** The build's features (the package's `features`); unknown: every codec is taken as present. */
    features?: readonly string[],
  ) {
    const { compression } = options;
    if (compression !== 'none' && features && !features.includes(compression)) {
      // librdkafka would refuse the producer's configuration, and the app would start with no producer.
      this.codecMissing = new KafkaClientError(
        'other',
        false,
        `producer.compression '${compression}' is not in this build of librdkafka (it has ${features.join(', ')}): ` +
          `install a build of @confluentinc/kafka-javascript with it, or choose another`,
      );
    }
    this.producer = kafka.producer({
      partitioner: 'murmur2_random',
      'compression.type': this.codecMissing ? 'none' : COMPRESSION[compression],
      'linger.ms': 5,
      // The time kafkajs' retries give a send with the same options: a record that cannot be written in that
      // time fails instead of waiting on, and one whose leader dies outlives the election, as on kafkajs.
      'message.timeout.ms': sendBudgetMs(options.retries, options.maxRetryTimeMs),
      // librdkafka refuses a record above 1,000,000 bytes itself, below the broker's default (1,048,588) and
      // the library's producer.maxRecordBytes: the broker's limit is the one that counts, as on kafkajs (the
      // poison fault's ~1 MB record parked in the DLQ with its headers). Batches stay within `batch.size`.
      'message.max.bytes': 1_000_000_000,
      ...this.link.settings(),
      kafkaJS: {
        idempotent: true,
        acks: -1,
        allowAutoTopicCreation: false,
        retry: { retries: options.retries, maxRetryTime: options.maxRetryTimeMs },
      },
    });
  }

  get isConnected(): boolean {
    return this.connected && this.link.up;
  }

  async connect(): Promise<void> {
    // Once connected, librdkafka reconnects by itself and a send waits in its queue (up to the send budget,
    // message.timeout.ms) as a kafkajs send waits in its retries; a second connect() would be refused.
    if (this.connected) return;
    await clientCall(() => this.producer.connect(), this.refusals);
    this.connected = true;
  }

  async disconnect(): Promise<void> {
    this.connected = false;
    await clientCall(() => this.producer.disconnect(), this.refusals);
  }

  write(records: readonly TopicRecord[]): Promise<WriteOutcome[]> {
    const codecMissing = this.codecMissing;
    if (codecMissing) return Promise.resolve(records.map(() => ({ ok: false, error: codecMissing })));
    return Promise.all(
      records.map(({ topic, key, value, headers, partition }) =>
        this.producer
          // Its send converts the headers into a list of its own and leaves the object as it was: no copy.
          .send({ topic, messages: [{ key, value, headers, partition }] })
          .then(([metadata]): WriteOutcome => ({
            ok: true,
            partition: metadata.partition,
            offset: metadata.baseOffset ?? metadata.offset ?? '-1',
          }))
          .catch((error: unknown): WriteOutcome => ({
            ok: false,
            error: toClientError(error, this.refusals),
          })),
      ),
    );
  }
}
