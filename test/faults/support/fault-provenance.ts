import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..', '..');

/** Set by the faults project's global setup, so every worker of one run names the same commit. */
export const RUN_COMMIT_ENV = 'FAULT_RUN_COMMIT';

/** Which code produced a row of docs/reliability.json, and when. */
export interface Provenance {
  /** `git rev-parse HEAD`, with `-dirty` when src/ or test/ differed from it. */
  commit: string;
  /** ISO 8601, when the scenario's figures were counted. */
  measuredAt: string;
}

/**
 * HEAD of the code under test, `-dirty` if src/ or test/ has uncommitted (or untracked) changes: figures
 * measured on a dirty tree describe code no commit holds.
 */
export function codeCommit(): string {
  const git = (args: string[]) => execFileSync('git', args, { cwd: ROOT, encoding: 'utf8' }).trim();
  const head = git(['rev-parse', 'HEAD']);
  return git(['status', '--porcelain', '--', 'src', 'test']).length > 0 ? `${head}-dirty` : head;
}

let commitOfThisProcess: string | undefined;

/**
 * The run's commit, as captured once at its start (by the global setup; else on the first call), and the time
 * of this measurement.
 */
export function provenance(now = new Date()): Provenance {
  commitOfThisProcess ??= process.env[RUN_COMMIT_ENV] || codeCommit();
  return { commit: commitOfThisProcess, measuredAt: now.toISOString() };
}
