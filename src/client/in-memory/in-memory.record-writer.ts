import type { RecordHeaders } from '../../interfaces/kafka-record.interface';
import { KafkaClientError } from '../kafka-client.error';
import { KeyPartitioner } from '../kafkajs/key-partitioner';
import type { RecordWriter, TopicRecord, WriteOutcome } from '../record-writer.port';
import type { InMemoryCluster } from './in-memory.cluster';

/**
 * Appends records to the in-memory cluster's logs, each to its `partition`, else where its key hashes
 * (Kafka's murmur2, the same partitioner the kafkajs adapter uses, so keys land where a broker puts them),
 * else round-robin. Keys, values and headers are stored as bytes, as a broker hands them back.
 */
export class InMemoryRecordWriter implements RecordWriter {
  private connected = false;
  private readonly partitioners = new Map<string, { count: number; partitioner: KeyPartitioner }>();

  constructor(private readonly cluster: InMemoryCluster) {}

  get isConnected(): boolean {
    return this.connected;
  }

  async connect(): Promise<void> {
    this.connected = true;
  }

  async write(records: readonly TopicRecord[]): Promise<WriteOutcome[]> {
    return records.map((record) => this.append(record));
  }

  async disconnect(): Promise<void> {
    this.connected = false;
  }

  private append(record: TopicRecord): WriteOutcome {
    if (!this.connected) {
      return {
        ok: false,
        error: new KafkaClientError('other', false, 'The in-memory writer is not connected'),
      };
    }
    const { topic } = record;
    if (this.cluster.partitionCount(topic) === 0) {
      if (!this.cluster.autoCreateTopics) return { ok: false, error: unknownTopic(topic) };
      this.cluster.createTopic(topic, this.cluster.defaultPartitions);
    }
    const count = this.cluster.partitionCount(topic);
    let placed = this.partitioners.get(topic);
    if (!placed || placed.count !== count) {
      const partitions = Array.from({ length: count }, (_, partitionId) => ({ partitionId, leader: 0 }));
      placed = { count, partitioner: new KeyPartitioner(partitions) };
      this.partitioners.set(topic, placed);
    }
    const partition = placed.partitioner.partition(record);
    if (partition < 0 || partition >= count)
      return { ok: false, error: unknownTopic(`${topic}[${partition}]`) };
    const offset = this.cluster.append(topic, partition, {
      key: bytes(record.key),
      value: bytes(record.value),
      headers: headerBytes(record.headers),
    });
    return { ok: true, partition, offset: String(offset) };
  }
}

function unknownTopic(what: string): KafkaClientError {
  return new KafkaClientError('other', true, `This server does not host this topic-partition: ${what}`);
}

function bytes(value: string | Buffer | null): Buffer | null {
  return value === null ? null : Buffer.isBuffer(value) ? value : Buffer.from(value);
}

function headerBytes(headers: RecordHeaders | undefined): RecordHeaders {
  const copy: RecordHeaders = {};
  for (const [name, value] of Object.entries(headers ?? {})) {
    if (value === undefined) continue;
    copy[name] = Array.isArray(value) ? value.map((v) => bytes(v)!) : bytes(value)!;
  }
  return copy;
}
