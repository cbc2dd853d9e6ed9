import { FoundResult, reliabilityRows, reliabilityTable, SCENARIOS, shortCommit } from './reliability-table';

const COMMIT = '4fa5047c1d2e3f405162738495a6b7c8d9e0f1a2';

function found(scenario: string, extra: Partial<FoundResult['content']> = {}): FoundResult {
  return {
    source: `.fault-results/${scenario}.json`,
    content: {
      scenario,
      produced: 5,
      handled: 0,
      parked: 5,
      lost: 0,
      duplicated: 0,
      commit: COMMIT,
      measuredAt: '2026-11-28T10:15:42.123Z',
      ...extra,
    },
  };
}

describe('reliability rows', () => {
  it('orders the rows as SCENARIOS and keeps each row its commit and time', () => {
    const all = [...SCENARIOS].reverse().map((s) => found(s));
    const { rows, missing } = reliabilityRows(all, { partial: false });
    expect(rows.map((r) => r.scenario)).toEqual([...SCENARIOS]);
    expect(rows[0]).toMatchObject({ commit: COMMIT, measuredAt: '2026-11-28T10:15:42.123Z' });
    expect(missing).toEqual([]);
  });

  it('refuses a result without provenance, naming its file', () => {
    const legacy = found('sigkill');
    delete legacy.content.commit;
    expect(() => reliabilityRows([legacy], { partial: true })).toThrow('.fault-results/sigkill.json');
    expect(() => reliabilityRows([found('sigkill', { measuredAt: 'yesterday' })], { partial: true })).toThrow(
      'no commit or measuredAt',
    );
  });

  it('accepts a commit measured on a dirty tree, and refuses one that is not a full hash', () => {
    expect(
      reliabilityRows([found('sigkill', { commit: `${COMMIT}-dirty` })], { partial: true }).rows,
    ).toHaveLength(1);
    expect(() => reliabilityRows([found('sigkill', { commit: 'unknown' })], { partial: true })).toThrow();
  });

  it('refuses a scenario SCENARIOS does not list', () => {
    expect(() => reliabilityRows([found('made-up')], { partial: true })).toThrow('made-up');
  });

  it('refuses a run that left scenarios out, unless partial, which lists them as missing', () => {
    const poison = [found('poison-tombstone'), found('poison-invalid-json')];
    expect(() => reliabilityRows(poison, { partial: false })).toThrow('run the whole fault suite');
    const { rows, missing } = reliabilityRows(poison, { partial: true });
    expect(rows.map((r) => r.scenario)).toEqual(['poison-invalid-json', 'poison-tombstone']);
    expect(missing).toContain('sigkill');
    expect(missing).not.toContain('poison-tombstone');
  });
});

describe('reliability table', () => {
  it('shows the short commit and the minute of each row, and names the scenarios not measured', () => {
    const table = reliabilityTable(
      reliabilityRows([found('poison-tombstone', { commit: `${COMMIT}-dirty` })], { partial: true }),
    );
    expect(table).toContain(
      '| `poison-tombstone` | 5 | 0 | 5 | 0 | 0 | `4fa5047-dirty` | 2026-11-28 10:15 |',
    );
    expect(table).toMatch(/Not measured in this run: `sigkill`, `sigkill-keyed`/);
  });

  it("lists a fleet scenario's figures over its disturbance in a table of their own", () => {
    const fleet = {
      sent: 41_000,
      e2eP99Ms: 812,
      e2eMaxMs: 2301,
      longestPauseMs: 1250,
      brokerHeartbeatMs: 5000,
    };
    const table = reliabilityTable(
      reliabilityRows([found('fleet-rolling-kafkajs', { fleet }), found('sigkill')], { partial: true }),
    );
    expect(table).toContain('| `fleet-rolling-kafkajs` | 41000 | 812 | 2301 | 1250 | 5000 |');
    expect(table).not.toMatch(/\| `sigkill` \| [0-9]+ \| [0-9]+ \| [0-9]+ \| [0-9]+ \|$/m);
  });

  it('shortens a commit to 7 characters and keeps its dirty mark', () => {
    expect(shortCommit(COMMIT)).toBe('4fa5047');
    expect(shortCommit(`${COMMIT}-dirty`)).toBe('4fa5047-dirty');
  });
});
