import type { ScenarioResult } from './fault-harness';
import type { Provenance } from './fault-provenance';
import type { FleetFigures } from './fleet-figures';

/** The order of docs/reliability.json and of the table in docs/reliability.md. */
export const SCENARIOS = [
  'sigkill',
  'sigkill-keyed',
  'scale-out',
  'sigterm',
  'broker-restart',
  'leader-kill',
  'handler-throws',
  'handler-hangs',
  'handler-slow',
  'poison-invalid-json',
  'poison-invalid-utf8',
  'poison-empty-value',
  'poison-tombstone',
  'poison-1mb-value',
  'poison-huge-header',
  'poison-wrong-content-type',
  'poison-no-handler',
  'poison-unknown-domain',
  'dlq-down',
  'replay',
  'fleet-rolling-kafkajs',
  'fleet-rolling-confluent',
  'fleet-rolling-confluent-kip848',
  'fleet-scale-out-kafkajs',
  'fleet-scale-out-confluent',
  'fleet-scale-out-confluent-kip848',
] as const;

/** A row of docs/reliability.json: a scenario's figures and the run that measured them. */
export type ReliabilityRow = ScenarioResult & Provenance & { fleet?: FleetFigures };

/** One results file as found on disk: its name (for error messages) and its parsed content. */
export interface FoundResult {
  source: string;
  content: Partial<ReliabilityRow>;
}

export interface ReliabilityRows {
  /** In the order of SCENARIOS. */
  rows: ReliabilityRow[];
  /** Scenarios of SCENARIOS with no result (only with `partial`). */
  missing: string[];
}

const COMMIT = /^[0-9a-f]{40}(-dirty)?$/;

function isIsoTime(value: unknown): value is string {
  return (
    typeof value === 'string' && !Number.isNaN(Date.parse(value)) && new Date(value).toISOString() === value
  );
}

/**
 * Orders the results as SCENARIOS. Refuses a result without `commit` or `measuredAt` (figures nobody can trace
 * to the code that produced them), a scenario SCENARIOS does not list, and, unless `partial`, a run that left
 * a scenario out.
 */
export function reliabilityRows(found: FoundResult[], options: { partial: boolean }): ReliabilityRows {
  const known = new Set<string>(SCENARIOS);
  const byScenario = new Map<string, ReliabilityRow>();
  for (const { source, content } of found) {
    if (
      typeof content.commit !== 'string' ||
      !COMMIT.test(content.commit) ||
      !isIsoTime(content.measuredAt)
    ) {
      throw new Error(
        `${source} has no commit or measuredAt: it was not written by this run's fault suite; run it again`,
      );
    }
    if (!content.scenario || !known.has(content.scenario)) {
      throw new Error(`${source}: scenario ${content.scenario} is not in SCENARIOS of reliability-table.ts`);
    }
    byScenario.set(content.scenario, content as ReliabilityRow);
  }
  const missing = SCENARIOS.filter((s) => !byScenario.has(s));
  if (missing.length > 0 && !options.partial) {
    throw new Error(
      `No results for ${missing.join(', ')}: run the whole fault suite first (or pass --partial to write ` +
        'the scenarios measured and list the others as not measured)',
    );
  }
  return { rows: SCENARIOS.flatMap((s) => byScenario.get(s) ?? []), missing };
}

/** `4fa5047` or `4fa5047-dirty`. */
export function shortCommit(commit: string): string {
  return commit.replace(/^([0-9a-f]{7})[0-9a-f]*/, '$1');
}

/** The table between the RESULTS markers of docs/reliability.md, with each row's commit and time (UTC). */
export function reliabilityTable({ rows, missing }: ReliabilityRows): string {
  const lines = [
    '| scenario | produced | handled | parked | lost | duplicated | commit | measured (UTC) |',
    '| --- | ---: | ---: | ---: | ---: | ---: | --- | --- |',
    ...rows.map(
      (r) =>
        `| \`${r.scenario}\` | ${r.produced} | ${r.handled} | ${r.parked} | ${r.lost} | ${r.duplicated} | ` +
        `\`${shortCommit(r.commit)}\` | ${r.measuredAt.slice(0, 16).replace('T', ' ')} |`,
    ),
  ];
  const fleet = rows.filter((r) => r.fleet);
  if (fleet.length > 0) {
    lines.push(
      '',
      'The fleet scenarios, over their disturbance (from the first stop or join to the last replica running):',
      '',
      '| scenario | sent during | end-to-end p99 (ms) | end-to-end max (ms) | longest pause of a partition that stayed (ms) | KIP-848 heartbeat (ms) |',
      '| --- | ---: | ---: | ---: | ---: | ---: |',
      ...fleet.map(
        ({ scenario, fleet: f }) =>
          `| \`${scenario}\` | ${f!.sent} | ${f!.e2eP99Ms} | ${f!.e2eMaxMs} | ${f!.longestPauseMs} | ` +
          `${f!.brokerHeartbeatMs ?? ''} |`,
      ),
    );
  }
  if (missing.length > 0) {
    lines.push(
      '',
      `Not measured in this run: ${missing.map((s) => `\`${s}\``).join(', ')}. ` +
        '`npm run reliability` measures every scenario.',
    );
  }
  return lines.join('\n');
}
