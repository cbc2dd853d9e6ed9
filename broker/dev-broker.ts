import { execFile, spawn } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync } from 'node:fs';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { brokerProperties, renderProperties } from './broker-properties';
import { freePort } from './free-port';
import { kafkaJvmArgs, newClusterId } from './jvm-cluster';
import { resolveKafkaJars } from './kafka-jars';
import { waitForKafka } from './readiness';

const run = promisify(execFile);

export const DEV_BROKER_PORT = 9092;
export const DEV_BROKER_DATA_DIR = resolve(__dirname, '..', '.kafka', 'dev-data');
const STOP_TIMEOUT_MS = 30_000;

export interface DevBrokerOptions {
  dataDir: string;
  version: string;
  log: (line: string) => void;
}

/** What the data directory remembers between starts: the cluster it was formatted for. */
interface DevBrokerState {
  clusterId: string;
  controllerPort: number;
  port: number;
}

export type DevBrokerStatus =
  { up: true; address: string; pid: number } | { up: false; reason: string; logFile: string };

/**
 * The development broker: one Apache Kafka node on the local JVM, in the background, on a fixed port, with a
 * data directory that outlives it, so topics and records survive a stop and a start (unlike the test launcher,
 * whose clusters live in a temp directory removed on stop). Files in the data directory: `dev-broker.json`
 * (cluster id and ports), `server.properties`, `data/` (the log), `broker.log`, `broker.pid` while it runs.
 */
export class DevBroker {
  private readonly stateFile: string;
  private readonly pidFile: string;
  readonly logFile: string;

  constructor(private readonly options: DevBrokerOptions) {
    this.stateFile = join(options.dataDir, 'dev-broker.json');
    this.pidFile = join(options.dataDir, 'broker.pid');
    this.logFile = join(options.dataDir, 'broker.log');
  }

  /** Starts the broker in the background on `port` and returns once it answers a metadata request. */
  async start(port: number, timeoutMs = 90_000): Promise<string> {
    const running = this.runningPid();
    if (running !== undefined) {
      const state = await this.state();
      if (state?.port !== port)
        throw new Error(
          `The broker of ${this.options.dataDir} already runs on port ${state?.port} (pid ${running}); stop it first`,
        );
      await this.waitUntilUp(state.port, running, timeoutMs);
      return address(port);
    }
    if (!(await portIsFree(port)))
      throw new Error(`Port ${port} is taken (another broker?): give another with --port`);

    const libs = await resolveKafkaJars(this.options.version, this.options.log);
    const state = await this.prepare(port, libs);
    const out = openSync(this.logFile, 'a');
    const child = spawn('java', [...kafkaJvmArgs(libs, '1g'), 'kafka.Kafka', this.propertiesFile], {
      detached: true,
      stdio: ['ignore', out, out],
    });
    closeSync(out);
    child.unref();
    await writeFile(this.pidFile, String(child.pid));
    this.options.log(`Starting Apache Kafka ${this.options.version} in ${this.options.dataDir}`);
    try {
      await this.waitUntilUp(state.port, child.pid!, timeoutMs);
    } catch (error) {
      await this.stop();
      throw new Error(`${(error as Error).message}\n--- ${this.logFile} (tail) ---\n${this.logTail()}`);
    }
    return address(port);
  }

  /** Stops the broker (a controlled shutdown, then SIGKILL after 30 s); true if one was running. */
  async stop(): Promise<boolean> {
    const pid = this.runningPid();
    if (pid === undefined) {
      await rm(this.pidFile, { force: true });
      return false;
    }
    process.kill(pid, 'SIGTERM');
    const deadline = Date.now() + STOP_TIMEOUT_MS;
    while (alive(pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    if (alive(pid)) process.kill(pid, 'SIGKILL');
    while (alive(pid)) await new Promise((r) => setTimeout(r, 50));
    await rm(this.pidFile, { force: true });
    return true;
  }

  async status(): Promise<DevBrokerStatus> {
    const pid = this.runningPid();
    const state = await this.state();
    if (pid === undefined || !state) {
      const exited = existsSync(this.pidFile);
      return {
        up: false,
        reason: exited ? 'its process has exited' : 'not running',
        logFile: this.logFile,
      };
    }
    try {
      await waitForKafka({ brokers: [address(state.port)], expectedNodes: 1, timeoutMs: 3_000 });
      return { up: true, address: address(state.port), pid };
    } catch (error) {
      return { up: false, reason: `pid ${pid} runs but ${(error as Error).message}`, logFile: this.logFile };
    }
  }

  private get propertiesFile(): string {
    return join(this.options.dataDir, 'server.properties');
  }

  /** Formats the data directory the first time; later starts keep its cluster, topics and records. */
  private async prepare(port: number, libs: string): Promise<DevBrokerState> {
    await mkdir(this.options.dataDir, { recursive: true });
    const known = await this.state();
    const state: DevBrokerState = known
      ? { ...known, port }
      : { clusterId: newClusterId(), controllerPort: await freePort(), port };
    if (known && !(await portIsFree(known.controllerPort)))
      throw new Error(
        `The broker's controller port ${known.controllerPort} (kept in ${this.stateFile}) is taken; free it`,
      );
    const node = { id: 1, clientPort: port, controllerPort: state.controllerPort };
    const props = brokerProperties(node, [node], join(this.options.dataDir, 'data'));
    await writeFile(this.propertiesFile, renderProperties(props));
    if (!known) {
      await run('java', [
        ...kafkaJvmArgs(libs, '256m'),
        'kafka.tools.StorageTool',
        'format',
        '-t',
        state.clusterId,
        '-c',
        this.propertiesFile,
      ]);
    }
    await writeFile(this.stateFile, JSON.stringify(state, null, 2) + '\n');
    return state;
  }

  private async state(): Promise<DevBrokerState | undefined> {
    if (!existsSync(this.stateFile)) return undefined;
    return JSON.parse(await readFile(this.stateFile, 'utf8')) as DevBrokerState;
  }

  private runningPid(): number | undefined {
    if (!existsSync(this.pidFile)) return undefined;
    const pid = Number(readFileSync(this.pidFile, 'utf8').trim());
    return Number.isInteger(pid) && pid > 0 && alive(pid) && isKafka(pid) ? pid : undefined;
  }

  private async waitUntilUp(port: number, pid: number, timeoutMs: number): Promise<void> {
    await waitForKafka({
      brokers: [address(port)],
      expectedNodes: 1,
      timeoutMs,
      check: () => {
        if (!alive(pid)) throw new Error(`The broker (pid ${pid}) exited while starting`);
      },
    });
  }

  private logTail(lines = 30): string {
    if (!existsSync(this.logFile)) return '(no log)';
    return readFileSync(this.logFile, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  }
}

function address(port: number): string {
  return `127.0.0.1:${port}`;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** On Linux, that the pid is still the broker's and not a process that got its number since. */
function isKafka(pid: number): boolean {
  const cmdline = `/proc/${pid}/cmdline`;
  return (
    !existsSync('/proc/self') ||
    (existsSync(cmdline) && readFileSync(cmdline, 'utf8').includes('kafka.Kafka'))
  );
}

function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolvePort) => {
    const server = createServer();
    server.once('error', () => resolvePort(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolvePort(true)));
  });
}
