import { existsSync } from 'node:fs';
import { delimiter, join } from 'node:path';

const ROOT = join(__dirname, '..', '..');
export const CONFLUENT = '@confluentinc/kafka-javascript';

/** Where the confluent client is installed: NODE_PATH (as `.ci/run` sets it), else `.cache/confluent`. */
export function confluentModules(): string | undefined {
  const candidates = [
    ...(process.env.NODE_PATH ?? '').split(delimiter),
    join(ROOT, '.cache', 'confluent', 'node_modules'),
  ];
  return candidates.find((dir) => dir && existsSync(join(dir, CONFLUENT, 'package.json')));
}
