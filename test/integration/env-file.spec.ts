// The Quick Start's .env, loaded the way the README says: `node --env-file=.env`. The library itself reads
// process.env when the app is created and never a file.
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { testBrokers, uniqueName } from '../support/kafka';

const APP = resolve(__dirname, '../readme/env-file-app/main.ts');
const TSCONFIG = resolve(__dirname, '../../tsconfig.json');
const run = promisify(execFile);

interface AppReport {
  producer: { status: string; brokers?: string[] };
  groups: string[];
}

/** Starts the app in `cwd` with no KAFKA_* variable of this process, and returns what it resolved. */
async function startApp(
  cwd: string,
  nodeArgs: string[],
  env: Record<string, string> = {},
): Promise<AppReport> {
  const clean = Object.fromEntries(
    Object.entries(process.env).filter(([name]) => !name.startsWith('KAFKA_')),
  );
  const { stdout } = await run(
    process.execPath,
    [...nodeArgs, '-r', require.resolve('ts-node/register/transpile-only'), APP],
    // The repository's tsconfig, whatever tsconfig.json lies above the working directory.
    { cwd, env: { ...clean, TS_NODE_PROJECT: TSCONFIG, ...env }, timeout: 90_000 },
  );
  return JSON.parse(stdout.trim().split('\n').pop()!) as AppReport;
}

describe('the Quick Start .env', () => {
  let dir: string;
  const clientId = uniqueName('env-file');

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'env-file-'));
    await writeFile(
      join(dir, '.env'),
      `# .env\nKAFKA_ENABLED=true\nKAFKA_BROKERS=${testBrokers().join(',')}\nKAFKA_CLIENT_ID=${clientId}\n`,
    );
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('is read with node --env-file: the app connects to its brokers under its client id', async () => {
    const report = await startApp(dir, [`--env-file=${join(dir, '.env')}`]);

    expect(report.producer).toMatchObject({ status: 'up', brokers: testBrokers() });
    expect(report.groups).toEqual([`${clientId}.OrdersEventHandler.handleOrderCreated`]);
  }, 120_000);

  it('is not read by the library: without --env-file the defaults apply, though .env is in the working directory', async () => {
    const report = await startApp(dir, [], { ENV_FILE_APP_WAIT_MS: '0' });

    expect(report.producer.brokers).toEqual(['localhost:9092']);
    expect(report.groups).toEqual(['yellow-grid-fsm.OrdersEventHandler.handleOrderCreated']);
  }, 120_000);
});
