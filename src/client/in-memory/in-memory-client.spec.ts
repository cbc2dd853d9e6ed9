import type { ConsumedBatch, GroupConsumerEvents, GroupConsumerOptions } from '../group-consumer.port';
import { InMemoryClientFactory } from './in-memory-client.factory';
import { InMemoryCluster } from './in-memory.cluster';

const config = { clientId: 'c', brokers: [], ssl: false, connectionTimeout: 1, requestTimeout: 1 };
const writerOptions = { retries: 1, maxRetryTimeMs: 1, compression: 'none' as const };
const events = (): GroupConsumerEvents => ({
  joined: () => undefined,
  fetched: () => undefined,
  rebalancing: () => undefined,
  crashed: () => undefined,
  stopped: () => undefined,
});
const consumerOptions = (over: Partial<GroupConsumerOptions> = {}): GroupConsumerOptions => ({
  groupId: 'g',
  topics: ['t'],
  fromBeginning: true,
  sessionTimeout: 1000,
  heartbeatInterval: 100,
  autoCommit: true,
  autoCommitIntervalMs: 1000,
  partitionsConsumedConcurrently: 1,
  maxWaitTimeMs: 10,
  ...over,
});

/** Resolves once `seen` holds `count` values (each batch is handled on the consumer's own loop). */
function until(check: () => boolean): Promise<void> {
  return new Promise((resolve, reject) => {
    const deadline = Date.now() + 2000;
    const poll = () =>
      check() ? resolve() : Date.now() > deadline ? reject(new Error('timed out')) : setImmediate(poll);
    poll();
  });
}

describe('InMemoryClientFactory', () => {
  let cluster: InMemoryCluster;
  let factory: InMemoryClientFactory;

  beforeEach(() => {
    cluster = new InMemoryCluster();
    factory = new InMemoryClientFactory(cluster);
  });

  async function write(topic: string, values: string[], key: string | null = null) {
    const writer = factory.create(config).recordWriter(writerOptions);
    await writer.connect();
    return writer.write(values.map((value) => ({ topic, key, value })));
  }

  it('places records of one key in one partition, as Kafka does', async () => {
    cluster.createTopic('t', 3);
    const outcomes = await write('t', ['a', 'b', 'c'], 'order-7');
    const partitions = new Set(outcomes.map((o) => (o.ok ? o.partition : -1)));
    expect(partitions.size).toBe(1);
    expect(outcomes.map((o) => o.ok && o.offset)).toEqual(['0', '1', '2']);
  });

  it('creates a topic written to, with one partition, as a broker with auto-creation does', async () => {
    const [outcome] = await write('new-topic', ['a']);
    expect(outcome).toEqual({ ok: true, partition: 0, offset: '0' });
    expect(cluster.partitionCount('new-topic')).toBe(1);
  });

  it('refuses a record for a missing topic when auto-creation is off', async () => {
    factory = new InMemoryClientFactory(new InMemoryCluster({ autoCreateTopics: false }));
    const [outcome] = await write('nowhere', ['a']);
    expect(outcome.ok).toBe(false);
  });

  it('a new member of the group resumes after the last committed record', async () => {
    cluster.createTopic('t', 1);
    await write('t', ['1', '2']);
    const seen: string[] = [];
    const eachBatch = async (batch: ConsumedBatch) => {
      for (const record of batch.records) {
        seen.push(record.value!.toString());
        batch.resolveOffset(record.offset);
      }
    };
    const first = factory.create(config).groupConsumer(consumerOptions(), events());
    await first.run(eachBatch);
    await until(() => seen.length === 2);
    await first.disconnect();

    await write('t', ['3']);
    const second = factory.create(config).groupConsumer(consumerOptions(), events());
    await second.run(eachBatch);
    await until(() => seen.length === 3);
    await second.disconnect();
    expect(seen).toEqual(['1', '2', '3']);
    expect(cluster.committed('g', 't', 0)).toBe(3);
  });

  it('hands unresolved records over again, and nothing while paused', async () => {
    cluster.createTopic('t', 1);
    const seen: string[] = [];
    let refuse = true;
    const consumer = factory.create(config).groupConsumer(consumerOptions(), events());
    await consumer.run(async (batch) => {
      for (const record of batch.records) {
        seen.push(record.value!.toString());
        if (refuse) return;
        batch.resolveOffset(record.offset);
      }
    });
    consumer.pause();
    await write('t', ['x']);
    expect(seen).toEqual([]);
    consumer.resume();
    await until(() => seen.length === 2);
    refuse = false;
    await until(() => seen.length >= 3 && cluster.committed('g', 't', 0) === 1);
    await consumer.disconnect();
    expect(seen.every((v) => v === 'x')).toBe(true);
  });

  it('deals the partitions out to the members of a group, and fails the old heartbeat on a rebalance', async () => {
    cluster.createTopic('t', 2);
    const assigned: number[] = [];
    const joined = { ...events(), joined: (n: number) => void assigned.push(n) };
    let heldBatch: ConsumedBatch | undefined;
    const first = factory.create(config).groupConsumer(consumerOptions(), joined);
    await first.run(async (batch) => {
      heldBatch = batch;
    });
    await write('t', ['a'], 'k');
    await until(() => heldBatch !== undefined);
    const second = factory.create(config).groupConsumer(consumerOptions(), joined);
    await second.run(async () => undefined);
    await expect(heldBatch!.heartbeat()).rejects.toThrow('rebalancing');
    await write('t', ['b']);
    await until(() => assigned.length >= 3);
    await Promise.all([first.disconnect(), second.disconnect()]);
    expect(assigned).toEqual([2, 1, 1]);
  });

  it('reads a topic from the committed offsets up to fixed ends, and records progress', async () => {
    cluster.createTopic('dlq', 1);
    await write('dlq', ['a', 'b', 'c']);
    const client = factory.create(config);
    await client.admin().setCommittedOffsets('replay', 'dlq', [{ partition: 0, offset: '1' }]);
    const read: string[] = [];
    await client
      .topicReader({ groupId: 'replay', topic: 'dlq', until: [{ partition: 0, offset: '2' }] })
      .read(async (batch) => {
        for (const record of batch.records) read.push(record.value!.toString());
        await batch.commit(batch.records[batch.records.length - 1].offset);
      });
    expect(read).toEqual(['b']);
    expect(await client.admin().committedOffsets('replay', 'dlq')).toEqual([{ partition: 0, offset: '2' }]);
  });
});
