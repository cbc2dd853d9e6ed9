import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ScenarioResult } from './fault-harness';

/** Where each scenario leaves its figures for `npm run reliability` to turn into docs/reliability.*. */
export const RESULTS_DIR = join(__dirname, '..', '..', '..', '.fault-results');

export function report(result: ScenarioResult): void {
  mkdirSync(RESULTS_DIR, { recursive: true });
  writeFileSync(join(RESULTS_DIR, `${result.scenario}.json`), JSON.stringify(result) + '\n');
  const { scenario, produced, handled, parked, lost, duplicated } = result;
  console.log(
    `[fault] ${scenario}: produced=${produced} handled=${handled} parked=${parked} lost=${lost} duplicated=${duplicated}`,
  );
}
