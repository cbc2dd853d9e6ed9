import type { DeadLetterEntry } from '../interfaces/dead-letter-replay.interface';
import { entryTable, replaySummary } from './dead-letter.format';

const entry = (over: Partial<DeadLetterEntry>): DeadLetterEntry => ({
  partition: 0,
  offset: '7',
  group: 'billing',
  handler: 'Billing.charge',
  reason: 'handler-error',
  errorName: 'PaymentDeclinedError',
  errorMessage: 'card declined',
  originalTopic: 'fsm.billing',
  originalPartition: 0,
  originalOffset: '41',
  replayCount: 0,
  replays: 0,
  attempts: 1,
  key: null,
  value: null,
  headers: {},
  ...over,
});

const replaysColumn = (table: string) => {
  const [head, ...rows] = table.split('\n');
  const at = head.indexOf('REPLAYS');
  return rows.map((row) => row.slice(at).split(/\s+/)[0]);
};

describe('dead-letter format', () => {
  it('REPLAYS counts the replays made from a record as well as those before it was parked', () => {
    const table = entryTable([
      entry({ offset: '1' }),
      entry({ offset: '2', replays: 2 }),
      entry({ offset: '3', replayCount: 1 }),
    ]);
    expect(replaysColumn(table)).toEqual(['0', '2', '1']);
  });

  it("a dry run's summary names the redelivery topics a real run would stop at", () => {
    const result = { scanned: 4, matched: 2, replayed: 2, skipped: {}, dryRun: true, stoppedAtLimit: false };
    expect(replaySummary(result)).toBe('dry run: would replay 2 of 2 matching (4 read); skipped 0');
    expect(replaySummary({ ...result, missingRoutes: ['dlq.redelivery.billing'] })).toMatch(
      /; no redelivery topic dlq\.redelivery\.billing: a real run stops there/,
    );
  });
});
