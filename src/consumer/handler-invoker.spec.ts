import { handlerDefinition } from '../../test/support/handler-definition';
import { currentCorrelationId } from '../context/event-context.storage';
import { HandlerTimeoutError } from '../errors/handler-timeout.error';
import { NonRetryableError } from '../errors/non-retryable.error';
import type { EventContext } from '../interfaces/event-context.interface';
import type { RecordHeaders } from '../interfaces/kafka-record.interface';
import type { PartitionLease } from '../interfaces/partition-lease.interface';
import type { RetryOptions } from '../interfaces/retry-options.interface';
import { EventHeaders } from '../kafka.constants';
import type { EventHandlerDefinition } from '../routing/event-handler.definition';
import { decodeHeaders } from '../routing/event-record.parser';
import { HandlerInvoker, HandlerOutcome, RecordContext } from './handler-invoker';

const HEARTBEAT_INTERVAL_MS = 3000;
/** Exact delays (no jitter): 10 ms, then 20 ms. */
const RETRY: RetryOptions = { attempts: 3, backoff: { initialMs: 10, multiplier: 2, jitter: false } };

type Invoke = jest.Mock<unknown, [unknown, EventContext]>;

/** A handler method as a mock, so its calls can be read back. */
const mockHandler = (impl: (event: unknown, context: EventContext) => unknown = () => undefined): Invoke =>
  jest.fn(impl);

function handlerOf(
  invoke: Invoke,
  overrides: { retry?: RetryOptions | false; timeoutMs?: number } = {},
): EventHandlerDefinition {
  return handlerDefinition(invoke, { retry: overrides.retry ?? RETRY, timeoutMs: overrides.timeoutMs ?? 0 });
}

/** What the dispatcher hands the invoker for one record. */
function recordContext(rawHeaders: RecordHeaders = {}): RecordContext {
  return {
    topic: 'orders',
    headers: decodeHeaders(rawHeaders),
    partition: 3,
    offset: '42',
    key: 'order-17',
    timestamp: '1700000000000',
    eventName: 'order.created',
    groupId: 'billing',
    rawHeaders,
    shared: false,
  };
}

/** A lease whose waits end at once (held, or lost), logging each into `log`. */
function fakeLease(log: string[] = [], holds = true): PartitionLease & { waits: number[] } {
  const waits: number[] = [];
  return {
    active: holds,
    heartbeat: async () => undefined,
    wait: async (ms) => {
      waits.push(ms);
      log.push(`wait ${ms}`);
      return holds;
    },
    waits,
  };
}

function invokerFor(handler: EventHandlerDefinition): HandlerInvoker {
  return new HandlerInvoker(HEARTBEAT_INTERVAL_MS, [handler]);
}

/** Fails with a fresh error numbered by attempt until `failures` attempts have failed. */
function failingTimes(failures: number, log: string[] = []): Invoke {
  return mockHandler(async (_event, context) => {
    log.push(`attempt ${context.attempt}`);
    if (context.attempt <= failures) throw new Error(`attempt ${context.attempt} failed`);
  });
}

class ValidationError extends Error {
  override readonly name = 'ValidationError';
}

describe('HandlerInvoker', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('returns ok after one attempt, without a promise, when the handler returns synchronously', () => {
    const invoke = mockHandler(() => 'done');
    const handler = handlerOf(invoke);
    const lease = fakeLease();

    const outcome = invokerFor(handler).run(handler, { orderId: 17 }, recordContext(), lease);

    expect(outcome).not.toBeInstanceOf(Promise);
    expect(outcome).toEqual({ status: 'ok', attempts: 1 });
    expect(invoke).toHaveBeenCalledTimes(1);
    expect(lease.waits).toEqual([]);
  });

  it('retries with the backoff delays waited through the lease, and reports the attempts it took', async () => {
    const log: string[] = [];
    const failures = 2;
    const invoke = failingTimes(failures, log);
    const handler = handlerOf(invoke);
    const { initialMs, multiplier } = handler.retry;

    const outcome = await invokerFor(handler).run(handler, {}, recordContext(), fakeLease(log));

    expect(outcome).toEqual({ status: 'ok', attempts: failures + 1 });
    // The handler logs the context.attempt it was given; the lease logs each wait.
    expect(log).toEqual([
      'attempt 1',
      `wait ${initialMs}`,
      'attempt 2',
      `wait ${initialMs * multiplier}`,
      'attempt 3',
    ]);
  });

  it.each([
    ['a NonRetryableError', new NonRetryableError('order 17 has no customer')],
    ['an error named ValidationError', new ValidationError('total must be positive')],
  ])('fails after one attempt, without waiting, on %s', async (_kind, error) => {
    const invoke = mockHandler(async () => {
      throw error;
    });
    const handler = handlerOf(invoke);
    const lease = fakeLease();

    const outcome = await invokerFor(handler).run(handler, {}, recordContext(), lease);

    expect(outcome).toEqual({ status: 'failed', error, attempts: 1 });
    expect(invoke).toHaveBeenCalledTimes(1);
    expect(lease.waits).toEqual([]);
  });

  it("fails with the last error once the policy's attempts are used up", async () => {
    const invoke = failingTimes(Infinity);
    const handler = handlerOf(invoke);
    const lease = fakeLease();

    const outcome = await invokerFor(handler).run(handler, {}, recordContext(), lease);

    const attempts = handler.retry.attempts;
    expect(outcome).toEqual({
      status: 'failed',
      error: new Error(`attempt ${attempts} failed`),
      attempts,
    });
    expect(invoke).toHaveBeenCalledTimes(attempts);
    expect(lease.waits).toHaveLength(attempts - 1);
  });

  it('abandons the record, without another attempt, when the lease ends during the backoff', async () => {
    const invoke = failingTimes(Infinity);
    const handler = handlerOf(invoke);

    const outcome = await invokerFor(handler).run(handler, {}, recordContext(), fakeLease([], false));

    expect(outcome).toMatchObject({ status: 'abandoned' });
    expect(invoke).toHaveBeenCalledTimes(1);
  });

  it('fails an attempt that outlives its timeout with HandlerTimeoutError, aborting its signal with it', async () => {
    const timeoutMs = 20;
    let signal: AbortSignal | undefined;
    const invoke = mockHandler((_event, context) => {
      signal = context.signal;
      return new Promise(() => undefined);
    });
    const handler = handlerOf(invoke, { retry: false, timeoutMs });
    let outcome: HandlerOutcome | undefined;
    void Promise.resolve(invokerFor(handler).run(handler, {}, recordContext(), fakeLease())).then(
      (settled) => (outcome = settled),
    );

    await jest.advanceTimersByTimeAsync(timeoutMs - 1);
    expect(outcome).toBeUndefined();
    expect(signal?.aborted).toBe(false);

    // The watch cuts within one of its ticks, far shorter than the limit itself.
    await jest.advanceTimersByTimeAsync(timeoutMs);
    expect(outcome).toMatchObject({ status: 'failed', attempts: 1 });
    const error = (outcome as { error: unknown }).error;
    expect(error).toBeInstanceOf(HandlerTimeoutError);
    expect(error).toMatchObject({ handler: handler.id, timeoutMs });
    expect(signal?.aborted).toBe(true);
    expect(signal?.reason).toBe(error);
  });

  it("abandons a handler cut by abortInFlight, aborting the handler's signal", async () => {
    let context: EventContext | undefined;
    const invoke = mockHandler((_event, received) => {
      context ??= received;
      // Only the first attempt hangs: a cut taken for a failure would show as a quick retry, not a hang.
      return received.attempt === 1 ? new Promise(() => undefined) : undefined;
    });
    const handler = handlerOf(invoke);
    const invoker = invokerFor(handler);
    const lease = fakeLease();
    const running = invoker.run(handler, {}, recordContext(), lease);

    invoker.abortInFlight('shutdown deadline passed');

    await expect(running).resolves.toMatchObject({ status: 'abandoned' });
    expect(context?.signal.aborted).toBe(true);
    expect(context?.signal.reason).toMatchObject({ message: 'shutdown deadline passed' });
    expect(invoke).toHaveBeenCalledTimes(1);
    expect(lease.waits).toEqual([]);
  });

  it.each([
    [
      'its correlation-id header',
      { [EventHeaders.CORRELATION_ID]: Buffer.from('corr-1'), [EventHeaders.EVENT_ID]: 'evt-1' },
      'corr-1',
    ],
    ['its event-id, without a correlation-id header', { [EventHeaders.EVENT_ID]: 'evt-1' }, 'evt-1'],
  ])(
    "gives currentCorrelationId() the record's correlation id inside the handler, across awaits: %s",
    async (_case, headers: RecordHeaders, expected) => {
      const seen: (string | undefined)[] = [];
      const invoke = mockHandler(async () => {
        seen.push(currentCorrelationId());
        await Promise.resolve();
        seen.push(currentCorrelationId());
      });
      const handler = handlerOf(invoke);

      await invokerFor(handler).run(handler, {}, recordContext(headers), fakeLease());

      expect(seen).toEqual([expected, expected]);
      expect(currentCorrelationId()).toBeUndefined();
    },
  );
});
