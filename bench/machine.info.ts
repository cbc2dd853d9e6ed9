import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { cpus, release, totalmem, type } from 'node:os';
import { join } from 'node:path';
import { KafkaCluster } from '../broker';
import { MachineInfo } from './bench.types';
import { secondClientVersion } from './second.client';

const ROOT = join(__dirname, '..');

function packageVersion(name: string): string {
  try {
    const pkg = JSON.parse(readFileSync(join(ROOT, 'node_modules', name, 'package.json'), 'utf8')) as {
      version: string;
    };
    return pkg.version;
  } catch {
    return 'not installed';
  }
}

function git(args: string[]): string {
  try {
    return execFileSync('git', args, { cwd: ROOT, encoding: 'utf8' }).trim();
  } catch {
    return '';
  }
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .sort((a, b) => a.name.localeCompare(b.name))
    .flatMap((entry) => {
      const path = join(dir, entry.name);
      return entry.isDirectory() ? filesUnder(path) : entry.isFile() ? [path] : [];
    });
}

/** The library as the run measures it: HEAD, whether src/ differs from it, and a hash of src/'s files. */
export function libraryState(): MachineInfo['library'] {
  const hash = createHash('sha1');
  for (const file of filesUnder(join(ROOT, 'src'))) hash.update(file).update(readFileSync(file));
  return {
    commit: git(['rev-parse', '--short', 'HEAD']) || 'unknown',
    srcDirty: git(['status', '--porcelain', '--', 'src']).length > 0,
    srcHash: hash.digest('hex').slice(0, 12),
  };
}

/**
 * The code a run measures, for bench/results/history.jsonl: `git rev-parse HEAD`, with `-dirty` when src/ (the
 * library) or bench/ (the workloads) has uncommitted or untracked changes.
 */
export function codeCommit(): string {
  const head = git(['rev-parse', 'HEAD']) || 'unknown';
  return git(['status', '--porcelain', '--', 'src', 'bench']).length > 0 ? `${head}-dirty` : head;
}

/**
 * `library` is the state captured before the first measurement; src/ is hashed again at the end, because
 * another change to src/ during the run would make the figures describe neither version.
 */
export function machineInfo(
  cluster: KafkaCluster,
  kafkaVersion: string,
  java: string,
  library: MachineInfo['library'],
): MachineInfo {
  return {
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model.trim() ?? 'unknown',
    memoryGb: Math.round((totalmem() / 1024 ** 3) * 10) / 10,
    os: `${type()} ${release()}`,
    node: process.version,
    kafkajs: packageVersion('kafkajs'),
    confluent: secondClientVersion() ?? null,
    nestMicroservices: packageVersion('@nestjs/microservices'),
    broker: {
      mode: cluster.mode,
      // An external cluster's version is unknown; the Java tools then come from this version's jars.
      version: cluster.version ?? `unknown (external; tools from ${kafkaVersion})`,
      brokers: cluster.brokers,
    },
    java,
    library: { ...library, changedDuringRun: libraryState().srcHash !== library.srcHash },
  };
}
