import { ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { confluentModules } from '../../support/confluent-modules';

const FIXTURE = join(__dirname, '..', 'fixtures', 'fault-app.ts');

export interface FaultAppEnv {
  KAFKA_BROKERS: string;
  FAULT_TOPIC: string;
  FAULT_DLQ: string;
  FAULT_GROUP: string;
  FAULT_LOG: string;
  FAULT_HANDLER_DELAY_MS?: string;
  FAULT_KEY_CONCURRENCY?: string;
  FAULT_HANDLER_DELAY_SPREAD_MS?: string;
  /** The replica's client and group protocol; unset, what this process has. */
  KAFKA_CLIENT?: string;
  KAFKA_GROUP_PROTOCOL?: string;
}

/** One replica of the fault app, in its own process. */
export class FaultApp {
  private readonly child: ChildProcess;
  private readonly exited: Promise<number | null>;
  private output = '';

  constructor(env: FaultAppEnv) {
    // A confluent replica finds the client where the rest of the repository does (NODE_PATH, else .cache).
    const nodePath = env.KAFKA_CLIENT === 'confluent' ? confluentModules() : undefined;
    this.child = spawn(process.execPath, ['-r', 'ts-node/register/transpile-only', FIXTURE], {
      env: {
        ...process.env,
        ...env,
        ...(nodePath ? { NODE_PATH: nodePath } : {}),
        TS_NODE_TRANSPILE_ONLY: 'true',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child.stdout!.on('data', (chunk: Buffer) => (this.output += chunk.toString()));
    this.child.stderr!.on('data', (chunk: Buffer) => (this.output += chunk.toString()));
    this.exited = new Promise((resolve) => this.child.once('exit', (code) => resolve(code)));
  }

  /** Resolves once every consumer group of the replica is running; rejects with its output if it dies. */
  async ready(timeoutMs = 60_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!this.output.includes('READY')) {
      if (this.child.exitCode !== null)
        throw new Error(`fault app exited (${this.child.exitCode}):\n${this.output}`);
      if (Date.now() > deadline)
        throw new Error(`fault app not ready after ${timeoutMs} ms:\n${this.output}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  /** Sends `signal` and waits for the process to be gone. */
  async kill(signal: NodeJS.Signals): Promise<number | null> {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill(signal);
    return this.exited;
  }

  get logs(): string {
    return this.output;
  }
}

/** Replica `n` of the fault app for a scenario; it appends handled ids to `<logDir>/replica-<n>.log`. */
export function faultReplica(
  brokers: string[],
  t: { topic: string; dlqTopic: string; groupId: string; logDir: string },
  n: number,
  handlerDelayMs: number,
  keyConcurrency = 1,
  delaySpreadMs = 0,
  client: Pick<FaultAppEnv, 'KAFKA_CLIENT' | 'KAFKA_GROUP_PROTOCOL'> = {},
): FaultApp {
  return new FaultApp({
    ...client,
    KAFKA_BROKERS: brokers.join(','),
    FAULT_TOPIC: t.topic,
    FAULT_DLQ: t.dlqTopic,
    FAULT_GROUP: t.groupId,
    FAULT_LOG: join(t.logDir, `replica-${n}.log`),
    FAULT_HANDLER_DELAY_MS: String(handlerDelayMs),
    FAULT_KEY_CONCURRENCY: String(keyConcurrency),
    FAULT_HANDLER_DELAY_SPREAD_MS: String(delaySpreadMs),
  });
}
