import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';

/** The second client the bench measures beside kafkajs (issue 15): an optional peer, a native build. */
export const SECOND_CLIENT = '@confluentinc/kafka-javascript';

/** Where `.ci/run` and docs/benchmarks.md install it when the repository's node_modules does not hold it. */
export const SECOND_CLIENT_CACHE = join(__dirname, '..', '.cache', 'confluent', 'node_modules');

/** NODE_PATH for the bench's workers: the caller's, else the cache above when it exists. */
export function workerNodePath(): string | undefined {
  if (process.env.NODE_PATH) return process.env.NODE_PATH;
  return existsSync(SECOND_CLIENT_CACHE) ? SECOND_CLIENT_CACHE : undefined;
}

/** The installed version of the second client as a worker would load it, or undefined when it is missing. */
export function secondClientVersion(): string | undefined {
  const places = [
    __filename,
    ...(workerNodePath() ?? '')
      .split(':')
      .filter(Boolean)
      .map((d) => join(d, 'x.js')),
  ];
  for (const place of places) {
    try {
      return (createRequire(place)(`${SECOND_CLIENT}/package.json`) as { version: string }).version;
    } catch {
      // not here; try the next place
    }
  }
  return undefined;
}
