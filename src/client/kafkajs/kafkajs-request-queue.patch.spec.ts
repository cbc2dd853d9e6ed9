import { patchKafkajsRequestQueue } from './kafkajs-request-queue.patch';

interface Queue {
  push(request: { entry: Entry; expectResponse: boolean; sendRequest: () => void }): void;
  fulfillRequest(response: { correlationId: number; payload: Buffer; size: number }): void;
  maybeThrottle(ms: number): void;
  destroy(): void;
  throttleCheckTimeoutId: unknown;
}
interface Entry {
  correlationId: number;
  apiKey: number;
  apiName: string;
  apiVersion: number;
  resolve: jest.Mock;
  reject: jest.Mock;
}
type QueueClass = new (options: Record<string, unknown>) => Queue;

const logger = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
};
const entry = (correlationId: number): Entry => ({
  correlationId,
  apiKey: 3,
  apiName: 'Metadata',
  apiVersion: 6,
  resolve: jest.fn(),
  reject: jest.fn(),
});

// This spec's own module registry holds a kafkajs nothing has patched yet.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const RequestQueue = require('kafkajs/src/network/requestQueue') as QueueClass;
const originalSchedule = (RequestQueue.prototype as unknown as Record<string, unknown>)
  .scheduleCheckPendingRequests;

describe('patchKafkajsRequestQueue', () => {
  const queues: Queue[] = [];
  const newQueue = (maxInFlightRequests: number | null = null): Queue => {
    const queue = new RequestQueue({
      maxInFlightRequests,
      requestTimeout: 30_000,
      enforceRequestTimeout: false,
      clientId: 'spec',
      broker: '127.0.0.1:9092',
      logger,
    });
    queues.push(queue);
    return queue;
  };
  let setTimeoutSpy: jest.SpyInstance;
  const delays = () => setTimeoutSpy.mock.calls.map((call) => call[1] as number);

  beforeAll(() => {
    expect(patchKafkajsRequestQueue()).toBe('patched');
  });
  beforeEach(() => {
    jest.useFakeTimers({ now: Date.parse('2026-05-01T00:00:00Z') });
    setTimeoutSpy = jest.spyOn(global, 'setTimeout');
  });
  afterEach(() => {
    queues.splice(0).forEach((queue) => queue.destroy());
    setTimeoutSpy.mockRestore();
    jest.useRealTimers();
  });

  it('patches once, and knows it did', () => {
    expect(patchKafkajsRequestQueue()).toBe('already-patched');
    expect(
      (RequestQueue.prototype as unknown as Record<string, unknown>).scheduleCheckPendingRequests,
    ).not.toBe(originalSchedule);
  });

  it('arms no timer, and so no negative one (TimeoutNegativeWarning on Node 24), once an idle queue gets its answer', () => {
    const queue = newQueue();
    const sendRequest = jest.fn();
    queue.push({ entry: entry(1), expectResponse: true, sendRequest });
    expect(sendRequest).toHaveBeenCalledTimes(1);

    queue.fulfillRequest({ correlationId: 1, payload: Buffer.alloc(0), size: 0 });

    expect(delays()).toEqual([]);
    expect(queue.throttleCheckTimeoutId).toBeNull();
    // Unpatched, kafkajs re-arms a 1 ms timer forever (kafkajs #1704): here nothing is left to run.
    expect(jest.getTimerCount()).toBe(0);
  });

  it('still sends a request held back by a broker throttle when the throttle ends', () => {
    const queue = newQueue();
    queue.maybeThrottle(50);
    const sendRequest = jest.fn();
    queue.push({ entry: entry(1), expectResponse: true, sendRequest });
    expect(sendRequest).not.toHaveBeenCalled();
    expect(delays()).toEqual([50]);

    jest.advanceTimersByTime(49);
    expect(sendRequest).not.toHaveBeenCalled();
    jest.advanceTimersByTime(1);
    expect(sendRequest).toHaveBeenCalledTimes(1);
    // Sent, nothing waits, the throttle is over: no timer is left behind.
    expect(jest.getTimerCount()).toBe(0);
  });

  it('looks again every 10 ms, as kafkajs does, while requests wait on the in-flight limit', () => {
    const queue = newQueue(1);
    const first = jest.fn();
    const second = jest.fn();
    queue.push({ entry: entry(1), expectResponse: true, sendRequest: first });
    queue.push({ entry: entry(2), expectResponse: true, sendRequest: second });
    expect(first).toHaveBeenCalledTimes(1);
    expect(second).not.toHaveBeenCalled();
    expect(delays()).toEqual([10]);

    queue.fulfillRequest({ correlationId: 1, payload: Buffer.alloc(0), size: 0 });
    expect(second).toHaveBeenCalledTimes(1);
    expect(delays().every((delay) => delay > 0)).toBe(true);
  });

  it('leaves a kafkajs whose scheduler it does not recognise as it is', () => {
    const changed = function scheduleCheckPendingRequests() {
      return 'changed upstream';
    };
    jest.isolateModules(() => {
      jest.doMock('kafkajs/src/network/requestQueue', () => {
        class ChangedQueue {}
        Object.assign(ChangedQueue.prototype, { scheduleCheckPendingRequests: changed });
        return ChangedQueue;
      });
      type PatchModule = typeof import('./kafkajs-request-queue.patch');
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const isolated = require('./kafkajs-request-queue.patch') as PatchModule;
      expect(isolated.patchKafkajsRequestQueue()).toBe('unrecognised');
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const changedQueue = require('kafkajs/src/network/requestQueue') as {
        prototype: Record<string, unknown>;
      };
      expect(changedQueue.prototype.scheduleCheckPendingRequests).toBe(changed);
    });
    jest.dontMock('kafkajs/src/network/requestQueue');
  });
});
