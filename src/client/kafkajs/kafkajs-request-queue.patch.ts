/** The fields of kafkajs' RequestQueue (src/network/requestQueue) that its pending-request timer reads. */
interface RequestQueueState {
  pending: unknown[];
  throttledUntil: number;
  throttleCheckTimeoutId: ReturnType<typeof setTimeout> | null;
  checkPendingRequests(): void;
  scheduleCheckPendingRequests(): void;
}

/** What `patchKafkajsRequestQueue` did: fixed kafkajs, found it fixed before, or left an unknown version alone. */
type RequestQueuePatchResult = 'patched' | 'already-patched' | 'unrecognised';

const PATCHED = Symbol.for('nestjs-kafka-event-system.request-queue-patched');
/** kafkajs' CHECK_PENDING_REQUESTS_INTERVAL (not exported): how soon a queue blocked by in-flight limits looks again. */
const CHECK_PENDING_REQUESTS_INTERVAL_MS = 10;

/**
 * kafkajs 2.2.4's `scheduleCheckPendingRequests`, minus its bug. When no request waits and the broker does not
 * throttle, the original still arms a timer for `throttledUntil - Date.now()`, which is `-1 - Date.now()`: a
 * negative delay, which Node 24 reports on every app's first request as `TimeoutNegativeWarning`
 * (kafkajs #1751), and which Node runs after 1 ms, only to arm the next one: a 1 ms loop per broker
 * connection for as long as it stays open (kafkajs #1704). No kafkajs release fixes it. Here nothing is armed
 * when nothing waits and no throttle is on; when requests wait, or a throttle is on, the timing is kafkajs'.
 */
function scheduleCheckPendingRequests(this: RequestQueueState): void {
  if (this.throttleCheckTimeoutId) return;
  const untilUnthrottled = this.throttledUntil - Date.now();
  let delay: number;
  if (this.pending.length > 0)
    delay = untilUnthrottled > 0 ? untilUnthrottled : CHECK_PENDING_REQUESTS_INTERVAL_MS;
  else if (untilUnthrottled > 0) delay = untilUnthrottled;
  else return;
  this.throttleCheckTimeoutId = setTimeout(() => {
    this.throttleCheckTimeoutId = null;
    this.checkPendingRequests();
  }, delay);
}

/**
 * Replaces kafkajs' `RequestQueue.prototype.scheduleCheckPendingRequests` with the fixed one above, once, in
 * the kafkajs copy this package resolves. Only a method whose source is the known buggy one is replaced, so a
 * kafkajs that changed it (fixed, or rewritten) is left as it is.
 */
export function patchKafkajsRequestQueue(): RequestQueuePatchResult {
  // kafkajs does not export RequestQueue; its package has no `exports` map, so the file can be required.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const RequestQueue = require('kafkajs/src/network/requestQueue') as { prototype: RequestQueueState };
  const proto = RequestQueue.prototype as RequestQueueState & { [PATCHED]?: true };
  if (proto[PATCHED]) return 'already-patched';
  const original = proto.scheduleCheckPendingRequests;
  const source = typeof original === 'function' ? original.toString() : '';
  if (!source.includes('this.throttledUntil - Date.now()') || !source.includes('setTimeout('))
    return 'unrecognised';
  proto.scheduleCheckPendingRequests = scheduleCheckPendingRequests;
  proto[PATCHED] = true;
  return 'patched';
}
