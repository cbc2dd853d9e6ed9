import { ChildProcess, fork } from 'node:child_process';
import { join } from 'node:path';
import { WorkerTask } from './bench.types';
import { workerNodePath } from './second.client';
import type { WorkerReport } from './worker.main';

const WORKER = join(__dirname, 'worker.main.ts');
const live = new Set<ChildProcess>();

export interface WorkerOptions {
  /** Upper bound for the whole process: startup, the run and reporting. */
  timeoutMs: number;
  /** Write a V8 CPU profile of the worker into this directory. */
  cpuProfileDir?: string;
}

/** Runs one task in a fresh Node process and resolves with its report; never rejects. */
export function runWorker(task: WorkerTask, options: WorkerOptions): Promise<WorkerReport> {
  const execArgv = ['-r', 'ts-node/register/transpile-only'];
  if (options.cpuProfileDir) execArgv.push('--cpu-prof', `--cpu-prof-dir=${options.cpuProfileDir}`);
  const child = fork(WORKER, [], {
    execArgv,
    env: {
      ...process.env,
      BENCH_TASK: JSON.stringify(task),
      TS_NODE_TRANSPILE_ONLY: 'true',
      // The second client may live outside node_modules (.cache/confluent, where .ci/run installs it).
      ...(workerNodePath() ? { NODE_PATH: workerNodePath() } : {}),
    },
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  live.add(child);
  let output = '';
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-8000);
  };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  return new Promise<WorkerReport>((resolve) => {
    let report: WorkerReport | undefined;
    const timer = setTimeout(() => {
      report = {
        error: `worker ${task.kind} gave no result within ${options.timeoutMs} ms\n${tail(output)}`,
      };
      child.kill('SIGKILL');
    }, options.timeoutMs);
    child.on('message', (message: WorkerReport) => (report ??= message));
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      live.delete(child);
      resolve(
        report ?? {
          error: `worker ${task.kind} exited (${signal ?? code}) without a result\n${tail(output)}`,
        },
      );
    });
  });
}

/** Kills every worker still running (on Ctrl-C); each was started by this process. */
export function killWorkers(): void {
  for (const child of live) child.kill('SIGKILL');
}

function tail(output: string): string {
  return output.trim().split('\n').slice(-20).join('\n');
}
