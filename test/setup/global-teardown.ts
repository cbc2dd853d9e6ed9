/** Stops the broker global setup started (nothing for KAFKA_BROKERS) and removes its data directory. */
export default async function globalTeardown(): Promise<void> {
  await globalThis.__KAFKA_CLUSTER__?.stop();
  globalThis.__KAFKA_CLUSTER__ = undefined;
}
