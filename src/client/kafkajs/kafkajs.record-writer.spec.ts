import { CompressionCodecs, CompressionTypes } from 'kafkajs';
import type { Kafka, ProducerRecord, RecordMetadata } from 'kafkajs';
import type { KafkaCompression } from '../../interfaces/kafka-connection-options.interface';
import { KafkaClientError } from '../kafka-client.error';
import { KafkajsRecordWriter } from './kafkajs.record-writer';

/** Three partitions: 0 and 2 led by broker 1, partition 1 by broker 2. */
const PARTITIONS = [
  { partitionId: 0, leader: 1 },
  { partitionId: 1, leader: 2 },
  { partitionId: 2, leader: 1 },
];

/**
 * A kafkajs stand-in whose producer answers each send through `respond`, which sees the messages sent and
 * returns the acknowledgements kafkajs would, or fewer.
 */
function writerWith(
  respond: (record: ProducerRecord, call: number) => RecordMetadata[],
  compression: KafkaCompression = 'none',
) {
  const sends: ProducerRecord[] = [];
  const producer = {
    events: { CONNECT: 'connect', DISCONNECT: 'disconnect' },
    on: () => undefined,
    send: async (record: ProducerRecord) => {
      sends.push(record);
      return respond(record, sends.length);
    },
  };
  const admin = {
    connect: async () => undefined,
    disconnect: async () => undefined,
    fetchTopicMetadata: async () => ({ topics: [{ name: 'orders', partitions: PARTITIONS }] }),
  };
  const kafka = { producer: () => producer, admin: () => admin } as unknown as Kafka;
  const writer = new KafkajsRecordWriter(kafka, { retries: 0, maxRetryTimeMs: 1000, compression }, 1000);
  return { writer, sends };
}

/** What kafkajs returns for a send that every partition acknowledged: base offset 100 × partition. */
const acknowledgeAll = (record: ProducerRecord, except: number[] = []): RecordMetadata[] =>
  [...new Set(record.messages.map((m) => m.partition!))]
    .filter((partition) => !except.includes(partition))
    .map((partition) => ({
      topicName: record.topic,
      partition,
      errorCode: 0,
      baseOffset: String(100 * partition),
    }));

const records = [0, 1, 2, 0, 2].map((partition, i) => ({
  topic: 'orders',
  key: null,
  value: `v${i}`,
  partition,
}));

describe('KafkajsRecordWriter', () => {
  it("sends each leader's partitions together and gives every record its partition and offset", async () => {
    const { writer, sends } = writerWith((record) => acknowledgeAll(record));
    const outcomes = await writer.write(records);
    expect(sends.map((s) => [...new Set(s.messages.map((m) => m.partition))].sort()).sort()).toEqual([
      [0, 2],
      [1],
    ]);
    expect(outcomes).toEqual([
      { ok: true, partition: 0, offset: '0' },
      { ok: true, partition: 1, offset: '100' },
      { ok: true, partition: 2, offset: '200' },
      { ok: true, partition: 0, offset: '1' },
      { ok: true, partition: 2, offset: '201' },
    ]);
  });

  describe('a compression kafkajs has no codec for', () => {
    const codecs = CompressionCodecs as Record<number, () => unknown>;
    const shipped = codecs[CompressionTypes.LZ4];
    afterEach(() => (codecs[CompressionTypes.LZ4] = shipped));

    it('fails every record with what to register, and sends nothing', async () => {
      const { writer, sends } = writerWith((record) => acknowledgeAll(record), 'lz4');
      const outcomes = await writer.write(records);
      expect(sends).toEqual([]);
      expect(outcomes).toHaveLength(records.length);
      for (const outcome of outcomes) {
        expect(outcome).toMatchObject({
          ok: false,
          error: {
            name: 'KafkaClientError',
            retriable: false,
            message: expect.stringMatching(
              /^producer\.compression 'lz4' needs its kafkajs codec.*client 'confluent'/,
            ),
          },
        });
      }
    });

    it('writes once the app has registered one', async () => {
      codecs[CompressionTypes.LZ4] = () => ({
        compress: async () => Buffer.alloc(0),
        decompress: async () => Buffer.alloc(0),
      });
      const { writer, sends } = writerWith((record) => acknowledgeAll(record), 'lz4');
      const outcomes = await writer.write(records);
      expect(outcomes.every((o) => o.ok)).toBe(true);
      expect(sends.every((s) => s.compression === CompressionTypes.LZ4)).toBe(true);
    });

    it('writes gzip, which kafkajs ships', async () => {
      const { writer } = writerWith((record) => acknowledgeAll(record), 'gzip');
      expect((await writer.write(records)).every((o) => o.ok)).toBe(true);
    });
  });

  it('sends again a partition missing from the response (kafkajs #1303), and only that one', async () => {
    // Broker 1's first send comes back without partition 2, as when its leader moved during kafkajs' retry.
    const { writer, sends } = writerWith((record, call) =>
      call === 1 && record.messages.some((m) => m.partition === 0)
        ? acknowledgeAll(record, [2])
        : acknowledgeAll(record),
    );
    const outcomes = await writer.write(records);
    const resent = sends.slice(2).flatMap((s) => s.messages.map((m) => m.value));
    expect(resent).toEqual(['v2', 'v4']);
    expect(outcomes.every((o) => o.ok)).toBe(true);
    expect(outcomes[4]).toEqual({ ok: true, partition: 2, offset: '201' });
  });

  it('fails the records of a partition that never comes back with a retriable error, never as written', async () => {
    const { writer, sends } = writerWith((record) => acknowledgeAll(record, [2]));
    const outcomes = await writer.write(records);
    for (const position of [2, 4]) {
      const outcome = outcomes[position];
      expect(outcome.ok).toBe(false);
      const error = (outcome as { error: KafkaClientError }).error;
      expect(error).toBeInstanceOf(KafkaClientError);
      expect(error.retriable).toBe(true);
      expect(error.message).toMatch(/topic orders partition\(s\) 2/);
    }
    expect(outcomes.filter((o) => o.ok)).toHaveLength(3);
    // The first send plus two more of partition 2 alone, besides broker 2's one send.
    expect(sends).toHaveLength(4);
  });
});
