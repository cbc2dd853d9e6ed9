/**
 * npm run reliability: after the fault suite, writes its figures into docs/reliability.json and the table of
 * docs/reliability.md (between the RESULTS markers), in the order of SCENARIOS.
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { format, resolveConfig } from 'prettier';
import { ScenarioResult } from './fault-harness';
import { RESULTS_DIR } from './fault-report';

const DOCS = join(__dirname, '..', '..', '..', 'docs');
const SCENARIOS = [
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
];

const found = new Map<string, ScenarioResult>(
  readdirSync(RESULTS_DIR)
    .filter((f) => f.endsWith('.json'))
    .map((f) => JSON.parse(readFileSync(join(RESULTS_DIR, f), 'utf8')) as ScenarioResult)
    .map((r) => [r.scenario, r]),
);
const missing = SCENARIOS.filter((s) => !found.has(s));
if (missing.length > 0)
  throw new Error(`No results for ${missing.join(', ')}: run the whole fault suite first`);
const results = SCENARIOS.map((s) => found.get(s)!);

writeFileSync(join(DOCS, 'reliability.json'), JSON.stringify(results, null, 2) + '\n');
const table = [
  '| scenario | produced | handled | parked | lost | duplicated |',
  '| --- | ---: | ---: | ---: | ---: | ---: |',
  ...results.map(
    (r) => `| \`${r.scenario}\` | ${r.produced} | ${r.handled} | ${r.parked} | ${r.lost} | ${r.duplicated} |`,
  ),
].join('\n');
const md = join(DOCS, 'reliability.md');
const text = readFileSync(md, 'utf8');
const start = '<!-- RESULTS:START -->';
const end = '<!-- RESULTS:END -->';
const updated = `${text.slice(0, text.indexOf(start) + start.length)}\n${table}\n${text.slice(text.indexOf(end))}`;

// Formatted as `npm run lint` (prettier --check .) expects every Markdown file of the repository to be.
async function write(): Promise<void> {
  const style = (await resolveConfig(md)) ?? {};
  writeFileSync(md, await format(updated, { ...style, filepath: md }));
  console.log(table);
}

void write();
