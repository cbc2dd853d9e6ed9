// The development broker (`npm run broker:start|stop|status`, broker/cli.ts): a second JVM broker beside the
// integration one, on a free port and a temp data directory; this spec never runs two of its own at once.
import { ChildProcess, execFile, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { connect } from 'node:net';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { Kafka, logLevel } from 'kafkajs';
import { freePort } from '../../broker/free-port';
import { createTopic, uniqueName, waitFor } from '../support/kafka';

const ROOT = resolve(__dirname, '../..');
const execFileAsync = promisify(execFile);

interface CliResult {
  code: number;
  stdout: string;
}

/** Runs broker/cli.ts as `npm run broker:<command> -- <args>` does. */
async function cli(...args: string[]): Promise<CliResult> {
  try {
    const { stdout } = await execFileAsync(
      process.execPath,
      ['-r', require.resolve('ts-node/register/transpile-only'), 'broker/cli.ts', ...args],
      { cwd: ROOT, env: { ...process.env, TS_NODE_PROJECT: join(ROOT, 'tsconfig.json') }, timeout: 150_000 },
    );
    return { code: 0, stdout };
  } catch (error) {
    const failed = error as { code?: number; stdout?: string; stderr?: string };
    if (typeof failed.code !== 'number') throw error;
    return { code: failed.code, stdout: `${failed.stdout ?? ''}${failed.stderr ?? ''}` };
  }
}

function listening(port: number): Promise<boolean> {
  return new Promise((resolvePort) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => (socket.destroy(), resolvePort(true)));
    socket.once('error', () => resolvePort(false));
  });
}

describe('the development broker', () => {
  let dataDir: string;
  let port: number;

  beforeAll(async () => {
    dataDir = join(await mkdtemp(join(tmpdir(), 'dev-broker-')), 'dev-data');
    port = await freePort();
  });

  afterAll(async () => {
    await cli('stop', '--data-dir', dataDir);
    await rm(resolve(dataDir, '..'), { recursive: true, force: true });
  });

  it.each(['start', 'stop', 'status'])('%s --help prints its usage and starts nothing', async (command) => {
    const result = await cli(command, '--help', '--port', String(port), '--data-dir', dataDir);

    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`broker/cli.ts ${command}`);
    expect(result.stdout).toContain('--data-dir');
    if (command === 'start') expect(result.stdout).toMatch(/--port .*\[default: 9092\]/s);
    expect(existsSync(dataDir)).toBe(false);
    expect(await listening(port)).toBe(false);
  });

  it('keeps topics and records across a stop and a start, and status follows it', async () => {
    const started = await cli('start', '--port', String(port), '--data-dir', dataDir);
    expect(started).toMatchObject({
      code: 0,
      stdout: expect.stringContaining(`KAFKA_BROKERS=127.0.0.1:${port}`),
    });
    expect((await cli('status', '--data-dir', dataDir)).code).toBe(0);

    const kafka = new Kafka({
      clientId: 'dev-broker-spec',
      brokers: [`127.0.0.1:${port}`],
      logLevel: logLevel.NOTHING,
    });
    const topic = uniqueName('dev-broker');
    const value = uniqueName('kept');
    await createTopic(kafka, topic);
    const producer = kafka.producer();
    await producer.connect();
    await producer.send({ topic, messages: [{ key: 'k', value }] });
    await producer.disconnect();

    expect(await cli('stop', '--data-dir', dataDir)).toMatchObject({
      code: 0,
      stdout: expect.stringContaining('stopped'),
    });
    const down = await cli('status', '--data-dir', dataDir);
    expect(down).toMatchObject({ code: 1, stdout: expect.stringContaining('down') });
    expect(await listening(port)).toBe(false);

    expect((await cli('start', '--port', String(port), '--data-dir', dataDir)).code).toBe(0);
    const read: string[] = [];
    const consumer = kafka.consumer({ groupId: uniqueName('dev-broker-reader') });
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({ eachMessage: async ({ message }) => void read.push(String(message.value)) });
    try {
      await waitFor(() => read.length > 0, 'the record written before the restart', 60_000);
    } finally {
      await consumer.disconnect();
    }
    expect(read).toEqual([value]);
  }, 300_000);

  // README, "Recover after an outage": the same commands, on this spec's port.
  it('walks through an outage: the app reports it and consumes again once the broker is back', async () => {
    expect((await cli('start', '--port', String(port), '--data-dir', dataDir)).code).toBe(0);
    const httpPort = await freePort();
    const app = startRecoveryApp(port, httpPort);
    try {
      await waitFor(() => handled(app.lines).length > 0, 'the app to handle its first order', 120_000);

      expect((await cli('stop', '--data-dir', dataDir)).code).toBe(0);
      let outage = await health(httpPort);
      await waitFor(
        async () => (outage = await health(httpPort)).status === 503,
        '/health to report the outage',
        60_000,
      );
      expect(outage.body).toMatch(/not reachable/);
      const lastBeforeRestart = Math.max(...handled(app.lines));

      expect((await cli('start', '--port', String(port), '--data-dir', dataDir)).code).toBe(0);
      await waitFor(
        () => handled(app.lines).some((n) => n > lastBeforeRestart),
        'the app to handle an order after the broker came back',
        180_000,
      );
      await waitFor(async () => (await health(httpPort)).status === 200, '/health to be up again', 60_000);
    } finally {
      await app.stop();
    }
  }, 600_000);
});

interface RunningApp {
  readonly lines: string[];
  stop(): Promise<void>;
}

/** `npm run example:recovery` with the broker's address and an HTTP port of its own. */
function startRecoveryApp(brokerPort: number, httpPort: number): RunningApp {
  const child: ChildProcess = spawn(
    process.execPath,
    ['-r', require.resolve('ts-node/register/transpile-only'), 'examples/recovery/main.ts'],
    {
      cwd: ROOT,
      env: {
        ...process.env,
        TS_NODE_PROJECT: join(ROOT, 'tsconfig.json'),
        KAFKA_BROKERS: `127.0.0.1:${brokerPort}`,
        KAFKA_CLIENT_ID: uniqueName('recovery'),
        PORT: String(httpPort),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  const lines: string[] = [];
  const collect = (chunk: Buffer) => lines.push(...String(chunk).split('\n'));
  child.stdout!.on('data', collect);
  child.stderr!.on('data', collect);
  const exited = new Promise<void>((done) => child.once('exit', () => done()));
  return {
    lines,
    async stop() {
      child.kill('SIGTERM');
      await exited;
    },
  };
}

/** The order numbers the app's handler logged. */
function handled(lines: readonly string[]): number[] {
  return lines.flatMap((line) => {
    const match = /handled order #(\d+)/.exec(line);
    return match ? [Number(match[1])] : [];
  });
}

async function health(httpPort: number): Promise<{ status: number; body: string }> {
  try {
    const response = await fetch(`http://127.0.0.1:${httpPort}/health`);
    return { status: response.status, body: await response.text() };
  } catch (error) {
    return { status: 0, body: String(error) };
  }
}
