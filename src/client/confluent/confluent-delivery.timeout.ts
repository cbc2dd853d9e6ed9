/** kafkajs' first retry delay (`retry.initialRetryTime`), doubled at each retry up to `maxRetryTime`. */
const KAFKAJS_INITIAL_RETRY_MS = 300;

/**
 * librdkafka's `message.timeout.ms` that gives a record the time kafkajs gives a send with the same
 * `producer.retries` and `producer.maxRetryTimeMs`: kafkajs waits 300 ms, then twice as long at each retry,
 * each wait at most `maxRetryTimeMs`, for `retries` retries (8 and 30 s, the defaults: 68.1 s; 30 and 10 s:
 * 258.9 s). `maxRetryTimeMs` alone (the budget of one wait, read as the whole send's) let a leader election
 * after a broker's death (its session timeout, then metadata, then the retry) outlast the record.
 */
export function deliveryTimeoutMs(retries: number, maxRetryTimeMs: number): number {
  let total = 0;
  for (let i = 0, wait = KAFKAJS_INITIAL_RETRY_MS; i < retries; i++, wait *= 2) {
    total += Math.min(wait, maxRetryTimeMs);
  }
  return Math.max(total, maxRetryTimeMs);
}
