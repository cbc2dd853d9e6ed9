/**
 * Versions started and checked against kafkajs 2.2.4 (see README, "Broker versions").
 * The default is the newest 4.x; 3.9.x is the last line with ZooKeeper and must keep working.
 */
export const DEFAULT_KAFKA_VERSION = '4.4.0';
export const VERIFIED_KAFKA_VERSIONS = ['4.4.0', '3.9.1'] as const;

export function kafkaVersionFromEnv(env: NodeJS.ProcessEnv = process.env): string {
  const version = env.KAFKA_VERSION?.trim();
  if (version && !/^\d+\.\d+\.\d+$/.test(version)) {
    throw new Error(`KAFKA_VERSION must look like 4.4.0, got "${version}"`);
  }
  return version || DEFAULT_KAFKA_VERSION;
}
