import { KafkaCluster, startKafkaCluster } from '../../broker';

declare global {
  var __KAFKA_CLUSTER__: KafkaCluster | undefined;
}

/** Starts (or, with KAFKA_BROKERS, reuses) one broker and hands its address to every test worker. */
export default async function globalSetup(): Promise<void> {
  const cluster = await startKafkaCluster({ log: (line) => console.log(`[kafka] ${line}`) });
  globalThis.__KAFKA_CLUSTER__ = cluster;
  // Workers are forked after global setup and inherit this environment.
  process.env.KAFKA_BROKERS = cluster.brokers.join(',');
  console.log(`[kafka] integration tests use ${cluster.mode} broker(s) at ${cluster.brokers.join(',')}`);
}
