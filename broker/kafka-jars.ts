import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readdir, rename, rm, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const COMPLETE_MARKER = '.complete';

export const BROKER_DIR = __dirname;
/** Jars live under <repo>/.kafka/<version>/libs (git-ignored); KAFKA_CACHE_DIR moves the root. */
export function jarCacheRoot(env: NodeJS.ProcessEnv = process.env): string {
  return resolve(env.KAFKA_CACHE_DIR || join(BROKER_DIR, '..', '.kafka'));
}

/**
 * Resolves Apache Kafka's broker and tools jars for `version` from Maven Central with broker/pom.xml,
 * once: a finished copy is marked and reused, so a second run downloads nothing.
 * Returns the directory holding the jars.
 */
export async function resolveKafkaJars(
  version: string,
  log: (line: string) => void = () => {},
): Promise<string> {
  const versionDir = join(jarCacheRoot(), version);
  const libs = join(versionDir, 'libs');
  if (existsSync(join(libs, COMPLETE_MARKER))) return libs;

  log(`Resolving Apache Kafka ${version} from Maven Central into ${libs}`);
  await mkdir(versionDir, { recursive: true });
  // Copy into a private directory and rename, so concurrent callers never see half a set of jars.
  const staging = join(versionDir, `libs.${process.pid}.${Date.now()}`);
  try {
    await run(
      'mvn',
      [
        '-B',
        '-q',
        '-Dstyle.color=never',
        '-f',
        join(BROKER_DIR, 'pom.xml'),
        `-Dkafka.version=${version}`,
        'dependency:copy-dependencies',
        `-DoutputDirectory=${staging}`,
      ],
      { maxBuffer: 64 * 1024 * 1024 },
    );
  } catch (error) {
    await rm(staging, { recursive: true, force: true });
    const { stdout = '', stderr = '' } = error as { stdout?: string; stderr?: string };
    throw new Error(
      `Could not resolve Apache Kafka ${version} from Maven Central (mvn dependency:copy-dependencies failed):\n` +
        `${stdout}${stderr}`.trim().split('\n').slice(-30).join('\n'),
    );
  }
  const jars = (await readdir(staging)).filter((f) => f.endsWith('.jar'));
  if (!jars.some((f) => f.startsWith('kafka_2.13-'))) {
    await rm(staging, { recursive: true, force: true });
    throw new Error(`Maven resolved no kafka_2.13 jar for Apache Kafka ${version}`);
  }
  await writeFile(join(staging, COMPLETE_MARKER), `${jars.length} jars\n`);
  if (existsSync(join(libs, COMPLETE_MARKER))) {
    await rm(staging, { recursive: true, force: true });
  } else {
    await rm(libs, { recursive: true, force: true });
    await rename(staging, libs);
  }
  log(`Resolved ${jars.length} jars for Apache Kafka ${version}`);
  return libs;
}
