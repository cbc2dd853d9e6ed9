import { execFile } from 'node:child_process';
import { join, relative } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const SRC = __dirname;

/** The files of src/ that Node's module cache holds after `require(entry)` in a fresh process. */
async function loadedBy(entry: string): Promise<string[]> {
  const script = `require(${JSON.stringify(entry)}); process.stdout.write(JSON.stringify(Object.keys(require.cache)));`;
  const { stdout } = await run(process.execPath, ['-r', 'ts-node/register/transpile-only', '-e', script], {
    env: { ...process.env, TS_NODE_TRANSPILE_ONLY: 'true' },
    timeout: 60_000,
  });
  return (JSON.parse(stdout) as string[])
    .filter((file) => file.startsWith(SRC))
    .map((file) => relative(SRC, file).replaceAll('\\', '/'));
}

const TEST_CODE = /^(testing\/|client\/in-memory\/)/;

describe('the entries', () => {
  it('importing the main entry loads nothing of the testing kit or the in-memory client', async () => {
    const loaded = await loadedBy(join(SRC, 'index.ts'));
    expect(loaded).toContain('kafka.module.ts');
    expect(loaded.filter((file) => TEST_CODE.test(file))).toEqual([]);
  });

  it('the testing entry loads the testing kit and the in-memory client', async () => {
    const loaded = await loadedBy(join(SRC, 'testing', 'index.ts'));
    expect(loaded).toEqual(
      expect.arrayContaining(['testing/kafka-testing.module.ts', 'client/in-memory/in-memory.cluster.ts']),
    );
  });
});
