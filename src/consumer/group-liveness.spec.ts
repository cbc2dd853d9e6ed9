import type { EventHandlerDefinition } from '../routing/event-handler.definition';
import { defaultLivenessTtl, groupLiveness } from './group-liveness';

describe('groupLiveness', () => {
  it('stays alive while records finish, or while nothing is held however long it was idle', () => {
    expect(groupLiveness({ holding: true, lastProgressAt: 1000 }, 1900, 1000)).toEqual({ alive: true });
    expect(groupLiveness({ holding: false, lastProgressAt: 0 }, 1_000_000, 1000)).toEqual({ alive: true });
  });

  it('goes down once a held batch has finished no record for longer than the TTL', () => {
    const verdict = groupLiveness({ holding: true, lastProgressAt: 1000 }, 2001, 1000);
    expect(verdict).toEqual({
      alive: false,
      reason: 'holds records and finished none for 1001 ms (TTL 1000 ms)',
    });
  });

  it('goes down when the consumer keeps failing past the TTL, not before', () => {
    const failing = { holding: false, lastProgressAt: 0, failingSince: 5000, failure: 'not authorized' };
    expect(groupLiveness(failing, 6000, 1000)).toEqual({ alive: true });
    expect(groupLiveness(failing, 6001, 1000)).toEqual({
      alive: false,
      reason: 'its consumer has failed for 1001 ms (TTL 1000 ms): not authorized',
    });
  });
});

describe('defaultLivenessTtl', () => {
  const handler = (timeoutMs: number, attempts: number) =>
    ({
      timeoutMs,
      retry: { attempts, initialMs: 100, maxMs: 250, multiplier: 2, jitter: true },
    }) as unknown as EventHandlerDefinition;

  it('covers every attempt at its timeout and the longest backoff between them, plus a minute', () => {
    // 3 attempts of 1 s, backoff 100 + 200 ms (jitter counts at its longest), plus 60 s.
    expect(defaultLivenessTtl([handler(1000, 3)])).toBe(3000 + 300 + 60_000);
    // handlers of one group run in turn on a record
    expect(defaultLivenessTtl([handler(1000, 1), handler(2000, 1)])).toBe(3000 + 60_000);
  });

  it('is 15 minutes when a handler has no time limit', () => {
    expect(defaultLivenessTtl([handler(1000, 3), handler(0, 1)])).toBe(900_000);
  });
});
