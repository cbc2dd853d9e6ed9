/**
 * librdkafka heartbeats on its own thread, so a heartbeat only reports whether the batch still holds its
 * partition: a batch whose partition was taken away in a rebalance is stale.
 */
export function staleHeartbeat(stale: boolean, topic: string, partition: number): Promise<void> {
  return stale
    ? Promise.reject(new Error(`partition ${topic}[${partition}] was revoked in a rebalance`))
    : Promise.resolve();
}
