import { Backoff } from './common/backoff';
import { STARTUP_RETRY } from './kafka.orchestrator';

describe('startup retries while Kafka is not reachable', () => {
  it('wait 1 s, doubling to at most 30 s, as the README says; a success starts over', () => {
    const backoff = new Backoff(STARTUP_RETRY);
    const waits = Array.from({ length: 8 }, () => backoff.next());
    expect(waits).toEqual([1000, 2000, 4000, 8000, 16_000, 30_000, 30_000, 30_000]);
    backoff.reset();
    expect(backoff.next()).toBe(1000);
  });
});
