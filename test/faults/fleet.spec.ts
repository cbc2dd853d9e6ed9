import { join } from 'node:path';
import { Kafka } from 'kafkajs';
import { KafkaCluster, startKafkaCluster } from '../../broker';
import { waitFor } from '../support/kafka';
import { faultKafka, handledIds, handledLog, settle } from './support/fault-harness';
import { FaultApp, FaultAppEnv, faultReplica } from './support/fault-process';
import { report } from './support/fault-report';
import { scenarioTopics, ScenarioTopics } from './support/fault-scenario';
import { FleetHandling, fleetFigures } from './support/fleet-figures';
import { SteadyProducer } from './support/steady-producer';

/** Issue 19's fleet: 4 replicas of one group, 12 partitions on 3 brokers, a steady 1,000 keyed events a second. */
const REPLICAS = 4;
const PARTITIONS = 12;
const RATE = 1000;
const KEYS = 48;
/** Events handled before the disturbance starts and after it ends: the group is in its steady state. */
const STEADY_EVENTS = 2000;
const READY_MS = 120_000;
/**
 * The broker's KIP-848 heartbeat interval (`group.consumer.heartbeat.interval.ms`, default 5 s): a member
 * learns of a partition to give up or take over at its next heartbeat. FLEET_BROKER_HEARTBEAT_MS starts the
 * cluster with another one (and the minimum lowered to it), to measure what the interval costs.
 */
const BROKER_HEARTBEAT_MS = Number(process.env.FLEET_BROKER_HEARTBEAT_MS ?? 5000);

/**
 * Each replica is its own process with its own client, whatever this process runs: the three ways a fleet can
 * rebalance. kafkajs knows only the eager protocol; the confluent client assigns cooperative-sticky on the
 * classic protocol and lets the broker assign with KIP-848 (`groupProtocol: 'consumer'`).
 */
const FLEETS: { name: string; client: Pick<FaultAppEnv, 'KAFKA_CLIENT' | 'KAFKA_GROUP_PROTOCOL'> }[] = [
  { name: 'kafkajs', client: { KAFKA_CLIENT: 'kafkajs', KAFKA_GROUP_PROTOCOL: 'classic' } },
  { name: 'confluent', client: { KAFKA_CLIENT: 'confluent', KAFKA_GROUP_PROTOCOL: 'classic' } },
  { name: 'confluent-kip848', client: { KAFKA_CLIENT: 'confluent', KAFKA_GROUP_PROTOCOL: 'consumer' } },
];

describe('fault suite: a fleet of replicas under a steady load, rolled and scaled out', () => {
  let cluster: KafkaCluster;
  let kafka: Kafka;
  const apps: FaultApp[] = [];

  beforeAll(async () => {
    cluster = await startKafkaCluster({
      private: true,
      launcher: 'jvm',
      nodes: 3,
      brokerProperties:
        BROKER_HEARTBEAT_MS === 5000
          ? {}
          : {
              'group.consumer.heartbeat.interval.ms': BROKER_HEARTBEAT_MS,
              'group.consumer.min.heartbeat.interval.ms': BROKER_HEARTBEAT_MS,
            },
    });
    kafka = faultKafka(cluster.brokers);
  }, 180_000);

  afterEach(async () => {
    await Promise.all(apps.splice(0).map((app) => app.kill('SIGKILL')));
  });

  afterAll(async () => {
    await cluster?.stop();
  });

  /**
   * A scenario's topics and its replicas (`start()` starts the next), and `disturb`: with the load running and
   * the group steady, it runs the disturbance (a roll, a scale-out), waits for the group to be steady again, stops
   * the load, counts every event until the topic is quiet, and reports the figures of the disturbance.
   */
  async function fleet(scenario: string, client: (typeof FLEETS)[number]['client']) {
    const t: ScenarioTopics = await scenarioTopics(kafka, scenario, PARTITIONS, { replicationFactor: 3 });
    let started = 0;
    const start = () => {
      const app = faultReplica(cluster.brokers, t, started++, 0, 1, 0, client);
      apps.push(app);
      return app;
    };
    const logFiles = () => Array.from({ length: started }, (_, n) => join(t.logDir, `replica-${n}.log`));
    const handled = () => handledIds(logFiles());
    const handlings = (): FleetHandling[] =>
      logFiles().flatMap((file, replica) => handledLog(file).map((line) => ({ ...line, replica })));
    /** Waits until STEADY_EVENTS more distinct events than now have been handled. */
    const steady = async () => {
      const target = new Set(handled()).size + STEADY_EVENTS;
      await waitFor(() => new Set(handled()).size >= target, `${target} events handled`, 60_000);
    };
    const disturb = async (disturbance: () => Promise<void>) => {
      const load = new SteadyProducer(kafka, t.topic, {
        scenario,
        rate: RATE,
        partitions: PARTITIONS,
        keys: KEYS,
      });
      await load.start();
      await steady();
      const from = Date.now();
      await disturbance();
      const to = Date.now();
      await steady();
      const ids = await load.stop();
      const result = await settle({ scenario, ids, handled, kafka, ...t });
      report(result, {
        ...fleetFigures(load.sentAt, handlings(), { from, to }),
        ...(client.KAFKA_GROUP_PROTOCOL === 'consumer' ? { brokerHeartbeatMs: BROKER_HEARTBEAT_MS } : {}),
      });
      return { result, ids };
    };
    return { start, disturb };
  }

  describe.each(FLEETS)('$name', ({ name, client }) => {
    it(`fleet-rolling-${name}: each of ${REPLICAS} replicas stopped with SIGTERM and started again in turn`, async () => {
      const { start, disturb } = await fleet(`fleet-rolling-${name}`, client);
      const members = Array.from({ length: REPLICAS }, start);
      await Promise.all(members.map((app) => app.ready(READY_MS)));
      const { result, ids } = await disturb(async () => {
        for (let i = 0; i < REPLICAS; i++) {
          await members[i].kill('SIGTERM');
          members[i] = start();
          await members[i].ready(READY_MS);
        }
      });
      expect(result.lost).toBe(0);
      expect(result.handled).toBe(ids.length);
    }, 600_000);

    it(`fleet-scale-out-${name}: one replica, then ${REPLICAS - 1} more join one by one`, async () => {
      const { start, disturb } = await fleet(`fleet-scale-out-${name}`, client);
      await start().ready(READY_MS);
      const { result, ids } = await disturb(async () => {
        for (let i = 1; i < REPLICAS; i++) await start().ready(READY_MS);
      });
      expect(result.lost).toBe(0);
      expect(result.handled).toBe(ids.length);
    }, 600_000);
  });
});
