import { ScenarioId } from './bench.types';

export const SCENARIOS: readonly ScenarioId[] = ['produce', 'consume', 'routing', 'io', 'e2e', 'replay'];

export interface BenchConfig {
  mode: 'quick' | 'full';
  rounds: number;
  recordBytes: number;
  partitions: number;
  /** Records written and read back, unmeasured, before the first scenario. */
  brokerWarmupRecords: number;
  /** inFlight: calls of batchSize events each in flight at once, for every batched API (raw and library). */
  produce: { events: number; capMs: number; concurrencies: number[]; batchSize: number; inFlight: number };
  consume: { events: number; capMs: number };
  routing: { events: number; capMs: number };
  io: { events: number; capMs: number; handlerDelayMs: number };
  e2e: { ratePerSec: number; durationMs: number; warmupMs: number };
  /** Parked records replayed (or copied) per run. */
  replay: { records: number; capMs: number };
  /** Scenarios to run; a partial run writes its timestamped JSON only (no latest.json, no docs). */
  only: ScenarioId[];
  /** Systems to run (ids such as `library.eventHandler`); undefined for all. A run with some only is partial. */
  systems?: string[];
  /** Also run each library workload once more under --cpu-prof and summarise where its time goes. */
  profile: boolean;
}

/**
 * Counts: the full mode keeps the 200,000 produced and 500,000 consumed events, but every run is also
 * capped in time, because some systems (one caller awaiting each acks=all send) would need many minutes for
 * 200,000 events on 2 cores. A capped run reports the events it completed and says so.
 */
const FULL: Omit<BenchConfig, 'only' | 'profile' | 'systems'> = {
  mode: 'full',
  rounds: 3,
  recordBytes: 512,
  partitions: 6,
  brokerWarmupRecords: 100_000,
  produce: { events: 200_000, capMs: 5_000, concurrencies: [1, 100, 1000], batchSize: 1000, inFlight: 8 },
  consume: { events: 500_000, capMs: 30_000 },
  routing: { events: 200_000, capMs: 20_000 },
  io: { events: 3_000, capMs: 30_000, handlerDelayMs: 5 },
  e2e: { ratePerSec: 1000, durationMs: 30_000, warmupMs: 2_000 },
  replay: { records: 50_000, capMs: 60_000 },
};

/** Quick mode: the whole run, broker start included, in under 3 minutes on 2 cores. */
const QUICK: Omit<BenchConfig, 'only' | 'profile' | 'systems'> = {
  mode: 'quick',
  rounds: 1,
  recordBytes: 512,
  partitions: 6,
  brokerWarmupRecords: 30_000,
  produce: { events: 50_000, capMs: 2_500, concurrencies: [1, 100, 1000], batchSize: 1000, inFlight: 8 },
  consume: { events: 100_000, capMs: 8_000 },
  routing: { events: 50_000, capMs: 6_000 },
  io: { events: 300, capMs: 10_000, handlerDelayMs: 5 },
  e2e: { ratePerSec: 1000, durationMs: 5_000, warmupMs: 1_000 },
  replay: { records: 10_000, capMs: 20_000 },
};

export const USAGE =
  'npm run bench [-- --quick] [--rounds=N] [--only=produce,consume,routing,io,e2e,replay] [--systems=id,...] [--profile] | [-- --report-only]';

export function parseBenchArgs(argv: readonly string[]): BenchConfig {
  let base = FULL;
  let rounds: number | undefined;
  let only: ScenarioId[] = [...SCENARIOS];
  let profile = false;
  let systems: string[] | undefined;
  for (const arg of argv) {
    if (arg === '--quick') base = QUICK;
    else if (arg === '--full') base = FULL;
    else if (arg === '--profile') profile = true;
    else if (arg.startsWith('--rounds=')) {
      rounds = Number(arg.slice('--rounds='.length));
      if (!Number.isInteger(rounds) || rounds < 1)
        throw new Error(`--rounds must be a positive integer: ${arg}`);
    } else if (arg.startsWith('--only=')) {
      only = arg
        .slice('--only='.length)
        .split(',')
        .map((s) => s.trim()) as ScenarioId[];
      const unknown = only.filter((s) => !SCENARIOS.includes(s));
      if (unknown.length > 0) throw new Error(`Unknown scenario(s) ${unknown.join(', ')}; usage: ${USAGE}`);
    } else if (arg.startsWith('--systems=')) {
      systems = arg
        .slice('--systems='.length)
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean);
    } else {
      throw new Error(`Unknown argument ${arg}; usage: ${USAGE}`);
    }
  }
  return { ...base, rounds: rounds ?? base.rounds, only, profile, ...(systems ? { systems } : {}) };
}

/** The command line that reproduces this run, as printed in docs/benchmarks.md. */
export function commandLine(argv: readonly string[]): string {
  return argv.length === 0 ? 'npm run bench' : `npm run bench -- ${argv.join(' ')}`;
}
