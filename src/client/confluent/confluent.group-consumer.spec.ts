import type { GroupConsumerEvents, GroupConsumerOptions } from '../group-consumer.port';
import { ASSIGN_PARTITIONS, ConfluentKafka, REVOKE_PARTITIONS, RdkafkaSettings } from './confluent.api';
import { ConfluentGroupConsumer } from './confluent.group-consumer';

type Rebalance = (
  error: { code: number },
  assignment: { topic: string; partition: number }[],
  change?: { assignmentLost(): boolean },
) => Promise<void>;

const OPTIONS: GroupConsumerOptions = {
  groupId: 'g',
  topics: ['t'],
  // From the beginning: no start offsets to look up, so an assignment is fetched at once.
  fromBeginning: true,
  sessionTimeout: 30_000,
  heartbeatInterval: 3000,
  autoCommit: true,
  autoCommitIntervalMs: 5000,
  partitionsConsumedConcurrently: 1,
  maxWaitTimeMs: 100,
};

/** The adapter over a stand-in client that keeps the settings it was given, to drive its rebalance callback. */
function consumerWith(groupProtocol?: 'classic' | 'consumer') {
  const seen: string[] = [];
  const events: GroupConsumerEvents = {
    joined: (n) => seen.push(`joined ${n}`),
    fetched: () => seen.push('fetched'),
    rebalancing: () => seen.push('rebalancing'),
    crashed: (error) => seen.push(`crashed ${error.message}`),
    stopped: () => seen.push('stopped'),
  };
  let settings: RdkafkaSettings & { kafkaJS?: Record<string, unknown> } = {};
  const kafka = {
    consumer: (config: RdkafkaSettings & { kafkaJS?: Record<string, unknown> }) => {
      settings = config;
      return {
        commitOffsets: async () => {
          seen.push('committed');
        },
      };
    },
  } as unknown as ConfluentKafka;
  new ConfluentGroupConsumer(
    kafka,
    OPTIONS,
    events,
    () => {
      throw new Error('no admin needed');
    },
    undefined,
    undefined,
    groupProtocol,
  );
  const rebalance = settings.rebalance_cb as Rebalance;
  const tp = (...partitions: number[]) => partitions.map((partition) => ({ topic: 't', partition }));
  return { seen, settings, rebalance, tp };
}

const flush = () => new Promise((resolve) => setImmediate(resolve));

describe('ConfluentGroupConsumer', () => {
  it('classic: assigns with cooperative-sticky and sends the session timeout and heartbeat interval', () => {
    const { settings } = consumerWith('classic');
    expect(settings['group.protocol']).toBeUndefined();
    expect(settings.kafkaJS).toMatchObject({
      partitionAssigners: ['cooperative-sticky'],
      sessionTimeout: 30_000,
      heartbeatInterval: 3000,
    });
  });

  it('consumer (KIP-848): sets group.protocol and none of the settings the protocol refuses', () => {
    const { settings } = consumerWith('consumer');
    expect(settings['group.protocol']).toBe('consumer');
    for (const key of ['partitionAssigners', 'sessionTimeout', 'heartbeatInterval']) {
      expect(settings.kafkaJS).not.toHaveProperty(key);
    }
  });

  it('an incremental revocation keeps the member consuming the partitions it holds', async () => {
    const { seen, rebalance, tp } = consumerWith('consumer');
    await rebalance({ code: ASSIGN_PARTITIONS }, tp(0, 1, 2));
    await flush();
    expect(seen).toEqual(['joined 3', 'fetched']);
    seen.length = 0;
    await rebalance({ code: REVOKE_PARTITIONS }, tp(2));
    expect(seen).toEqual(['committed', 'joined 2', 'fetched']);
    seen.length = 0;
    await rebalance({ code: ASSIGN_PARTITIONS }, tp(3));
    await flush();
    expect(seen).toEqual(['joined 3', 'fetched']);
  });

  it('a revocation of every partition held is a rebalance: nothing is consumed until the next assignment', async () => {
    const { seen, rebalance, tp } = consumerWith();
    await rebalance({ code: ASSIGN_PARTITIONS }, tp(0, 1));
    await flush();
    seen.length = 0;
    await rebalance({ code: REVOKE_PARTITIONS }, tp(0, 1));
    expect(seen).toEqual(['committed', 'rebalancing']);
  });

  it('commits what was handled before a revocation is applied, but not for partitions already lost', async () => {
    const { seen, rebalance, tp } = consumerWith();
    await rebalance({ code: ASSIGN_PARTITIONS }, tp(0, 1));
    await flush();
    seen.length = 0;
    await rebalance({ code: REVOKE_PARTITIONS }, tp(1), { assignmentLost: () => false });
    expect(seen[0]).toBe('committed');
    seen.length = 0;
    await rebalance({ code: REVOKE_PARTITIONS }, tp(0), { assignmentLost: () => true });
    expect(seen).not.toContain('committed');
    expect(seen).toEqual(['rebalancing']);
  });
});
