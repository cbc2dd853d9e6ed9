import type { DeadLetterEntry, DeadLetterReplayResult } from '../interfaces/dead-letter-replay.interface';

const COLUMNS: [string, (e: DeadLetterEntry) => string][] = [
  ['AT', (e) => `${e.partition}:${e.offset}`],
  ['FAILED AT', (e) => e.failedAt?.toISOString() ?? ''],
  ['GROUP', (e) => e.group],
  ['HANDLER', (e) => e.handler],
  ['EVENT', (e) => e.eventName ?? ''],
  ['ERROR', (e) => (e.reason === 'handler-error' ? e.errorName : e.reason)],
  // Replays of the event: those before it was parked here, and those made from this record since.
  ['REPLAYS', (e) => String(e.replayCount + e.replays)],
  ['MESSAGE', (e) => oneLine(e.errorMessage, 60)],
];

/** Entries as an aligned table for people: one line each, the message cut to fit. */
export function entryTable(entries: readonly DeadLetterEntry[]): string {
  const rows = [COLUMNS.map(([title]) => title), ...entries.map((e) => COLUMNS.map(([, cell]) => cell(e)))];
  const widths = COLUMNS.map((_, i) => Math.max(...rows.map((row) => row[i].length)));
  return rows
    .map((row) =>
      row
        .map((cell, i) => cell.padEnd(widths[i]))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

/** One entry in full, for `dlq inspect`. */
export function entryDetails(entry: DeadLetterEntry): string {
  const lines = [
    `at        ${entry.partition}:${entry.offset}`,
    `key       ${entry.key ?? '(none)'}`,
    `value     ${entry.value ?? '(none)'}`,
    'headers',
    ...Object.entries(entry.headers).map(([name, value]) => `  ${name}: ${value}`),
  ];
  return lines.join('\n');
}

/** A replay's counts in one line. */
export function replaySummary(result: DeadLetterReplayResult): string {
  const skipped = Object.entries(result.skipped)
    .map(([reason, n]) => `${n} ${reason}`)
    .join(', ');
  const total = Object.values(result.skipped).reduce((a, b) => a + (b ?? 0), 0);
  return (
    `${result.dryRun ? 'dry run: would replay' : 'replayed'} ${result.replayed} of ${result.matched} matching ` +
    `(${result.scanned} read); skipped ${total}${skipped ? ` (${skipped})` : ''}` +
    (result.stoppedAtLimit ? '; stopped at --limit, run again for the rest' : '') +
    (result.missingRoutes
      ? `; no redelivery topic ${result.missingRoutes.join(', ')}: a real run stops there, ` +
        'start the app of that group with deadLetter.replay on first'
      : '')
  );
}

/** An entry as a JSON line: dates as ISO text. */
export function entryJson(entry: DeadLetterEntry): string {
  return JSON.stringify(entry);
}

function oneLine(text: string, max: number): string {
  const flat = text.replace(/\s+/g, ' ');
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}
