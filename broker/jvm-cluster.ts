import { ChildProcess, execFile, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, existsSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { brokerProperties, NodePorts, PropertyValue, renderProperties } from './broker-properties';
import { freePort } from './free-port';
import { KafkaCluster, KafkaNode, SecureListeners } from './kafka-cluster.interface';
import { scramCredentials, secureBrokerProperties, TEST_USERS } from './secure-properties';
import { makeTestCertificates } from './test-certificates';
import { BROKER_DIR, resolveKafkaJars } from './kafka-jars';
import { waitForKafka } from './readiness';

const run = promisify(execFile);
const LOG4J2_CONFIG = join(BROKER_DIR, 'log4j2.properties');
const STOP_TIMEOUT_MS = 20_000;

export interface JvmClusterOptions {
  version: string;
  nodes: number;
  secure?: boolean;
  brokerProperties: Record<string, PropertyValue>;
  startTimeoutMs: number;
  log: (line: string) => void;
}

/**
 * Apache Kafka from Maven Central, one JVM per node on 127.0.0.1, KRaft storage formatted with Kafka's
 * own StorageTool in a fresh temp directory that stop() removes. A watchdog shell kills the nodes and
 * removes the directory if this process dies without calling stop() (a crashed or killed test run).
 */
export async function startJvmCluster(options: JvmClusterOptions): Promise<KafkaCluster> {
  try {
    return await startJvmClusterOnce(options);
  } catch (error) {
    // A node that dies while starting (seen once in CI: a 3-node cluster on a loaded two-core machine, its
    // log tail only the shutdown) is the machine's, not the code under test's: start afresh once, new ports.
    if (!(error instanceof NodeExitedError)) throw error;
    options.log(
      `A node exited during startup; starting the cluster again once. ${error.message.split('\n')[0]}`,
    );
    return startJvmClusterOnce(options);
  }
}

/** A node's JVM ended before the cluster was up. */
class NodeExitedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'NodeExitedError';
  }
}

async function startJvmClusterOnce(options: JvmClusterOptions): Promise<KafkaCluster> {
  const libs = await resolveKafkaJars(options.version, options.log);
  const root = await mkdtemp(join(tmpdir(), 'kafka-event-system-'));
  const ports: NodePorts[] = [];
  const taken = new Set<number>();
  // The OS may hand a just-closed port out again: no two listeners of one cluster share a port.
  const distinctPort = async (): Promise<number> => {
    for (;;) {
      const port = await freePort();
      if (!taken.has(port)) return (taken.add(port), port);
    }
  };
  for (let id = 1; id <= options.nodes; id++) {
    ports.push({ id, clientPort: await distinctPort(), controllerPort: await distinctPort() });
  }
  const clusterId = newClusterId();
  let secure: SecureListeners | undefined;
  let storageArgs: string[] = [];
  if (options.secure) {
    if (options.nodes !== 1) throw new Error('A secure test broker has one node');
    const secureDir = join(root, 'tls');
    await mkdir(secureDir);
    const certificates = await makeTestCertificates(secureDir);
    const securePorts = {
      ...ports[0],
      saslPlaintextPort: await distinctPort(),
      saslSslPort: await distinctPort(),
      sslPort: await distinctPort(),
    };
    options = {
      ...options,
      brokerProperties: {
        ...secureBrokerProperties(securePorts, {
          keystore: certificates.brokerKeystore,
          truststore: join(secureDir, 'ca.pem'),
        }),
        ...options.brokerProperties,
      },
    };
    storageArgs = scramCredentials().flatMap((credential) => ['--add-scram', credential]);
    secure = {
      saslPlaintext: `127.0.0.1:${securePorts.saslPlaintextPort}`,
      saslSsl: `127.0.0.1:${securePorts.saslSslPort}`,
      ssl: `127.0.0.1:${securePorts.sslPort}`,
      certificates,
      users: TEST_USERS,
    };
  }
  const heap = options.nodes > 1 ? '512m' : '1g';
  const watchdog = startWatchdog(root);

  const nodes = ports.map((p) => new JvmNode(p, join(root, `node-${p.id}`), libs, heap, options, ports));
  const cluster: KafkaCluster & { stopped: boolean } = {
    brokers: nodes.map((n) => n.address),
    mode: 'jvm',
    version: options.version,
    nodes,
    secure,
    stopped: false,
    async stop() {
      if (cluster.stopped) return;
      cluster.stopped = true;
      await Promise.all(nodes.map((n) => n.stop()));
      watchdog.kill('SIGKILL');
      await rm(root, { recursive: true, force: true });
    },
  };

  try {
    await Promise.all(nodes.map((n) => n.format(clusterId, ports, storageArgs)));
    options.log(`Starting Apache Kafka ${options.version}, ${options.nodes} node(s), in ${root}`);
    nodes.forEach((n) => n.launch());
    await waitForKafka({
      brokers: cluster.brokers,
      expectedNodes: options.nodes,
      timeoutMs: options.startTimeoutMs,
      check: () => nodes.forEach((n) => n.assertAlive()),
    });
  } catch (error) {
    const logs = nodes.map((n) => `${n.logErrors()}\n${n.logTail()}`).join('\n');
    await cluster.stop();
    const message = `${(error as Error).message}\n--- broker log (errors, then tail) ---\n${logs}`;
    throw error instanceof NodeExitedError ? new NodeExitedError(message) : new Error(message);
  }
  options.log(`Apache Kafka ${options.version} is up at ${cluster.brokers.join(',')}`);
  return cluster;
}

class JvmNode implements KafkaNode {
  readonly id: number;
  readonly address: string;
  private process?: ChildProcess;
  private exited?: Promise<void>;
  private readonly propertiesFile: string;
  private readonly logFile: string;

  constructor(
    ports: NodePorts,
    private readonly dir: string,
    private readonly libs: string,
    private readonly heap: string,
    private readonly options: JvmClusterOptions,
    private readonly cluster: readonly NodePorts[],
  ) {
    this.id = ports.id;
    this.address = `127.0.0.1:${ports.clientPort}`;
    this.propertiesFile = join(dir, 'server.properties');
    this.logFile = join(dir, 'broker.log');
  }

  get running(): boolean {
    return this.process !== undefined;
  }

  async format(clusterId: string, cluster: readonly NodePorts[], extraArgs: string[] = []): Promise<void> {
    await mkdir(this.dir, { recursive: true });
    const me = cluster.find((p) => p.id === this.id)!;
    const props = brokerProperties(me, cluster, join(this.dir, 'data'), this.options.brokerProperties);
    await writeFile(this.propertiesFile, renderProperties(props));
    try {
      await run('java', [
        ...this.jvmArgs('256m'),
        'kafka.tools.StorageTool',
        'format',
        '-t',
        clusterId,
        '-c',
        this.propertiesFile,
        ...extraArgs,
      ]);
    } catch (error) {
      const { stdout = '', stderr = '' } = error as { stdout?: string; stderr?: string };
      throw new Error(`Kafka's StorageTool could not format node ${this.id}:\n${stdout}${stderr}`.trim());
    }
  }

  launch(): void {
    const out = openSync(this.logFile, 'a');
    const child = spawn('java', [...this.jvmArgs(this.heap), 'kafka.Kafka', this.propertiesFile], {
      stdio: ['ignore', out, out],
    });
    closeSync(out);
    this.process = child;
    this.exited = new Promise((resolve) =>
      child.once('exit', () => {
        if (this.process === child) this.process = undefined;
        resolve();
      }),
    );
    // The watchdog reads this file to kill the node if the launching process dies.
    writeFileSync(join(this.dir, 'pid'), String(child.pid));
  }

  assertAlive(): void {
    if (!this.process) throw new NodeExitedError(`Kafka node ${this.id} exited during startup`);
  }

  async start(): Promise<void> {
    if (this.process) return;
    this.launch();
    await waitForKafka({
      brokers: [this.address],
      expectedNodes: 1,
      timeoutMs: this.options.startTimeoutMs,
      check: () => this.assertAlive(),
    });
  }

  stop(): Promise<void> {
    return this.terminate('SIGTERM');
  }

  kill(): Promise<void> {
    return this.terminate('SIGKILL');
  }

  /** The log's ERROR and FATAL lines (the tail of a node that shut itself down holds only the shutdown). */
  logErrors(lines = 10): string {
    if (!existsSync(this.logFile)) return '';
    const errors = readFileSync(this.logFile, 'utf8')
      .split('\n')
      .filter((l) => / (ERROR|FATAL) /.test(l))
      .slice(0, lines);
    return errors.map((l) => `[node ${this.id}] ${l}`).join('\n');
  }

  logTail(lines = 40): string {
    if (!existsSync(this.logFile)) return `(node ${this.id}: no log)`;
    const tail = readFileSync(this.logFile, 'utf8').trimEnd().split('\n').slice(-lines);
    return tail.map((l) => `[node ${this.id}] ${l}`).join('\n');
  }

  private async terminate(signal: NodeJS.Signals): Promise<void> {
    const child = this.process;
    if (!child) return;
    child.kill(signal);
    const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
    await this.exited;
    clearTimeout(timer);
  }

  private jvmArgs(heap: string): string[] {
    return kafkaJvmArgs(this.libs, heap);
  }
}

/** The java arguments before the main class: heap, the launcher's log4j2 configuration, Kafka's jars. */
export function kafkaJvmArgs(libs: string, heap: string): string[] {
  return [
    `-Xmx${heap}`,
    '-Xms128m',
    '-Djava.awt.headless=true',
    `-Dlog4j2.configurationFile=${LOG4J2_CONFIG}`,
    '-cp',
    join(libs, '*'),
  ];
}

/** Kills every node and removes `root` once this process is gone, whatever way it went. */
function startWatchdog(root: string): ChildProcess {
  const script = [
    'while kill -0 "$1" 2>/dev/null && [ -d "$2" ]; do sleep 1; done',
    '[ -d "$2" ] || exit 0',
    'for f in "$2"/node-*/pid; do [ -f "$f" ] && kill -9 "$(cat "$f")" 2>/dev/null; done',
    'rm -rf "$2"',
  ].join('\n');
  const child = spawn('sh', ['-c', script, 'kafka-watchdog', String(process.pid), root], {
    detached: true,
    stdio: 'ignore',
  });
  child.unref();
  return child;
}

/**
 * A KRaft cluster id: 16 random bytes in base64url, never starting with "-" (the StorageTool's argument parser
 * would read it as an option; Kafka's own Uuid.randomUuid() rejects those ids for the same reason).
 */
export function newClusterId(): string {
  for (;;) {
    const id = randomBytes(16).toString('base64url');
    if (!id.startsWith('-')) return id;
  }
}
