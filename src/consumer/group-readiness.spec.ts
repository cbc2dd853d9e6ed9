import type { ConsumerGroupStatus } from '../interfaces/consumer-group-status.interface';
import { isRunning, whyNotRunning } from './group-readiness';

const status = (over: Partial<ConsumerGroupStatus>): ConsumerGroupStatus => ({
  groupId: 'g',
  state: 'idle',
  topics: ['t'],
  handlers: [],
  missingTopics: [],
  handled: 0,
  skipped: 0,
  parked: 0,
  ...over,
});

const STARTUP = { brokers: ['k1:9092'] };

describe('group readiness', () => {
  it('counts a group running, or paused after it joined, as running; no other state', () => {
    expect(isRunning('running')).toBe(true);
    expect(isRunning('paused')).toBe(true);
    for (const state of [
      'idle',
      'connecting',
      'waiting-for-topics',
      'rebalancing',
      'crashed',
      'stopping',
      'stopped',
    ] as const) {
      expect(isRunning(state)).toBe(false);
    }
  });

  it('names the missing topics and what to set', () => {
    const why = whyNotRunning(status({ state: 'waiting-for-topics', missingTopics: ['a', 'b'] }), STARTUP);
    expect(why).toMatch(/topics a, b do not exist.*createTopics/);
  });

  it('gives the broker error for a group that could not start, and the last error of one connecting', () => {
    const refused = { ...STARTUP, error: 'Connection error: connect ECONNREFUSED' };
    expect(whyNotRunning(status({ state: 'idle' }), refused)).toMatch(
      /not reachable \(Connection error: connect ECONNREFUSED\)/,
    );
    expect(whyNotRunning(status({ state: 'idle' }), STARTUP)).toMatch(/still reaching k1:9092/);
    expect(whyNotRunning(status({ state: 'connecting', lastError: 'ECONNREFUSED' }), STARTUP)).toMatch(
      /connecting.*last error: ECONNREFUSED/,
    );
  });

  it('says a rebalancing group is still rebalancing, and a stopped one how to run it', () => {
    expect(whyNotRunning(status({ state: 'rebalancing' }), STARTUP)).toMatch(/still rebalancing/);
    expect(whyNotRunning(status({ state: 'stopped' }), STARTUP)).toMatch(/stopped.*start it/);
  });
});
