import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ScenarioResult } from './fault-harness';
import type { FleetFigures } from './fleet-figures';
import { provenance } from './fault-provenance';
import type { ReliabilityRow } from './reliability-table';

/** Where each scenario leaves its figures for `npm run reliability` to turn into docs/reliability.*. */
export const RESULTS_DIR = join(__dirname, '..', '..', '..', '.fault-results');

/** Records a scenario's figures with the commit that produced them and when they were counted. */
export function report(result: ScenarioResult, fleet?: FleetFigures): void {
  const row: ReliabilityRow = { ...result, ...(fleet ? { fleet } : {}), ...provenance() };
  mkdirSync(RESULTS_DIR, { recursive: true });
  writeFileSync(join(RESULTS_DIR, `${result.scenario}.json`), JSON.stringify(row) + '\n');
  const { scenario, produced, handled, parked, lost, duplicated } = result;
  console.log(
    `[fault] ${scenario}: produced=${produced} handled=${handled} parked=${parked} lost=${lost} duplicated=${duplicated}` +
      (fleet
        ? ` | during: sent=${fleet.sent} e2e p99=${fleet.e2eP99Ms} ms max=${fleet.e2eMaxMs} ms longest pause=${fleet.longestPauseMs} ms` +
          (fleet.brokerHeartbeatMs ? ` (broker heartbeat ${fleet.brokerHeartbeatMs} ms)` : '')
        : ''),
  );
}
