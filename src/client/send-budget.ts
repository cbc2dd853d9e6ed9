/** The first wait between two attempts of a write (kafkajs' `initialRetryTime`); each next wait is twice as long. */
export const FIRST_RETRY_WAIT_MS = 300;
export const RETRY_WAIT_MULTIPLIER = 2;

/**
 * How long a write may take before it fails, from `producer.retries` and `producer.maxRetryTimeMs`: the waits
 * between attempts, 300 ms then twice as long at each retry, each at most `maxRetryTimeMs`, for `retries`
 * retries (8 and 30 s, the defaults: 68.1 s; 30 and 10 s: 258.9 s); never less than `maxRetryTimeMs`.
 * Both clients give a write this budget: kafkajs' retries run these waits without jitter, and librdkafka's
 * `message.timeout.ms` is this (`maxRetryTimeMs` alone, the budget of one wait read as the whole send's, let
 * a leader election after a broker's death outlast the record).
 */
export function sendBudgetMs(retries: number, maxRetryTimeMs: number): number {
  let total = 0;
  for (let i = 0, wait = FIRST_RETRY_WAIT_MS; i < retries; i++, wait *= RETRY_WAIT_MULTIPLIER) {
    total += Math.min(wait, maxRetryTimeMs);
  }
  return Math.max(total, maxRetryTimeMs);
}
