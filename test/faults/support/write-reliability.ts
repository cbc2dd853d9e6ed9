/**
 * npm run reliability: after the fault suite, writes its figures into docs/reliability.json and the table of
 * docs/reliability.md (between the RESULTS markers), in the order of SCENARIOS, each row with the commit that
 * ran and when it was measured. `--partial` writes the scenarios of a run that left some out (one spec file)
 * and lists the others as not measured; rows are never carried over from an earlier run.
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { format, resolveConfig } from 'prettier';
import { RESULTS_DIR } from './fault-report';
import { FoundResult, reliabilityRows, reliabilityTable } from './reliability-table';

const DOCS = join(__dirname, '..', '..', '..', 'docs');

const found: FoundResult[] = (existsSync(RESULTS_DIR) ? readdirSync(RESULTS_DIR) : [])
  .filter((f) => f.endsWith('.json'))
  .map((f) => ({
    source: join('.fault-results', f),
    content: JSON.parse(readFileSync(join(RESULTS_DIR, f), 'utf8')) as FoundResult['content'],
  }));
const measured = reliabilityRows(found, { partial: process.argv.includes('--partial') });
if (measured.rows.length === 0)
  throw new Error('No fault results in .fault-results: run the fault suite first');

writeFileSync(join(DOCS, 'reliability.json'), JSON.stringify(measured.rows, null, 2) + '\n');
const table = reliabilityTable(measured);
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
