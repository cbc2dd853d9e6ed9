import { rmSync } from 'node:fs';
import { codeCommit, RUN_COMMIT_ENV } from './fault-provenance';
import { RESULTS_DIR } from './fault-report';

/**
 * Global setup of the faults project: a run starts with no results, so `npm run reliability` writes only rows
 * this run measured, never a mix with an earlier run's. Running one fault spec therefore leaves only its own
 * scenarios (write-reliability refuses the partial set unless asked with --partial).
 */
export default function clearFaultResults(): void {
  rmSync(RESULTS_DIR, { recursive: true, force: true });
  // Workers are forked after global setup and inherit this environment.
  process.env[RUN_COMMIT_ENV] = codeCommit();
  console.log(`[fault] results cleared; measuring commit ${process.env[RUN_COMMIT_ENV]}`);
}
