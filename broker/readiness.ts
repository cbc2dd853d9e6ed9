import { Kafka, logLevel } from 'kafkajs';
import { patchKafkajsRequestQueue } from '../src/client/kafkajs/kafkajs-request-queue.patch';

// The launcher runs in processes that may never load the library (jest's global setup): fix kafkajs here too.
patchKafkajsRequestQueue();

export interface ReadinessOptions {
  brokers: string[];
  /** Number of brokers the metadata must list before the cluster counts as up. */
  expectedNodes: number;
  timeoutMs: number;
  /** Called between attempts; throwing from it (a process that died) ends the wait at once. */
  check?: () => void;
}

/**
 * Waits until the cluster answers a metadata request listing every expected broker: a real request,
 * retried until a deadline, never a fixed sleep.
 */
export async function waitForKafka({
  brokers,
  expectedNodes,
  timeoutMs,
  check,
}: ReadinessOptions): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    check?.();
    const admin = new Kafka({
      clientId: 'kafka-launcher-readiness',
      brokers,
      logLevel: logLevel.NOTHING,
      connectionTimeout: 1000,
      requestTimeout: 2000,
      retry: { retries: 0 },
    }).admin();
    try {
      await admin.connect();
      const { brokers: live, controller } = await admin.describeCluster();
      if (live.length >= expectedNodes && controller !== null) return;
      lastError = new Error(`metadata lists ${live.length} of ${expectedNodes} brokers`);
    } catch (error) {
      lastError = error;
    } finally {
      await admin.disconnect().catch(() => undefined);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(
    `Kafka at ${brokers.join(',')} did not answer a metadata request within ${timeoutMs} ms: ${
      lastError instanceof Error ? lastError.message : String(lastError)
    }`,
  );
}
