import { Admin, Kafka, logLevel, Message, Partitioners, Producer } from 'kafkajs';
import { withDeadline } from './workload.meter';

const PREFILL_BATCH = 2_000;
const PREFILL_IN_FLIGHT = 4;

/** Fresh topics for each scenario and run, pre-filled where consumers need records; deleted at the end. */
export class BenchTopics {
  private readonly kafka: Kafka;
  private readonly admin: Admin;
  private producer?: Producer;
  private readonly created: string[] = [];

  constructor(
    brokers: string[],
    private readonly runId: string,
    private readonly partitions: number,
  ) {
    this.kafka = new Kafka({ clientId: `bench-admin-${runId}`, brokers, logLevel: logLevel.NOTHING });
    this.admin = this.kafka.admin();
  }

  async connect(): Promise<void> {
    await this.admin.connect();
  }

  /** A name unique to this run; Kafka topic names allow letters, digits, '.', '_' and '-'. */
  name(...parts: (string | number)[]): string {
    return ['bench', this.runId, ...parts].join('.').replace(/[^a-zA-Z0-9._-]/g, '-');
  }

  async create(topic: string, partitions = this.partitions): Promise<string> {
    // Under load the wait for leaders can see a metadata answer that does not know the new topic yet
    // ("does not host this topic-partition"); creating it again is a no-op that waits once more.
    for (let attempt = 1; ; attempt++) {
      try {
        await this.admin.createTopics({
          topics: [{ topic, numPartitions: partitions }],
          waitForLeaders: true,
        });
        break;
      } catch (error) {
        if (attempt >= 5) throw error;
      }
    }
    this.created.push(topic);
    return topic;
  }

  /** Writes `count` records made by `record(seq)`, in batches, several in flight; acks=all. */
  async prefill(topic: string, count: number, record: (seq: number) => Message): Promise<void> {
    this.producer ??= this.kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
    await this.producer.connect();
    const producer = this.producer;
    let next = 0;
    const writer = async () => {
      while (next < count) {
        const from = next;
        next = Math.min(count, next + PREFILL_BATCH);
        const messages = Array.from({ length: next - from }, (_, i) => record(from + i));
        await producer.send({ topic, acks: -1, messages });
      }
    };
    await Promise.all(Array.from({ length: PREFILL_IN_FLIGHT }, writer));
  }

  /**
   * Writes `count` records to a scratch topic and reads them back, so the broker's JIT and page cache are warm
   * before the first measurement; returns how long it took. The topic is deleted afterwards.
   */
  async warmUpBroker(count: number): Promise<number> {
    const startedAt = Date.now();
    const topic = await this.create(this.name('warmup'));
    await this.prefill(topic, count, (seq) => ({ key: `key-${seq}`, value: 'x'.repeat(512) }));
    const consumer = this.kafka.consumer({ groupId: this.name('warmup') });
    let seen = 0;
    let done!: () => void;
    const all = new Promise<void>((resolve) => (done = resolve));
    await consumer.connect();
    try {
      await consumer.subscribe({ topics: [topic], fromBeginning: true });
      await consumer.run({
        eachBatch: async ({ batch }) => {
          seen += batch.messages.length;
          if (seen >= count) done();
        },
      });
      await withDeadline(all, 120_000, `the broker warm-up to read back ${count} records`);
    } finally {
      await consumer.disconnect();
    }
    await this.drop([topic]);
    return Date.now() - startedAt;
  }

  /** Deletes what this run created (on a shared cluster too), then disconnects. */
  async close(): Promise<void> {
    if (this.created.length > 0) {
      await this.admin.deleteTopics({ topics: this.created.splice(0) }).catch(() => undefined);
    }
    await this.producer?.disconnect().catch(() => undefined);
    await this.admin.disconnect().catch(() => undefined);
  }

  /** Deletes topics of a finished scenario, so the broker's disk holds one scenario's records at a time. */
  async drop(topics: string[]): Promise<void> {
    const gone = new Set(topics);
    await this.admin.deleteTopics({ topics }).catch(() => undefined);
    this.created.splice(0, this.created.length, ...this.created.filter((t) => !gone.has(t)));
  }

  /** Topics created and not yet deleted. */
  get live(): readonly string[] {
    return this.created;
  }
}
