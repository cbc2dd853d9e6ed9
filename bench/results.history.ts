import { appendFileSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { BenchResults, Ratios, ScenarioId } from './bench.types';

/** A system's medians in one run, rounded as docs/benchmarks.md shows them. */
export interface HistoryFigures {
  eventsPerSec?: number;
  cpuUsPerEvent?: number;
  p99Ms?: number;
}

/**
 * One line of bench/results/history.jsonl: what a run measured and on which code and machine, so a ratio
 * quoted today can be set against the runs before it. The file is append-only and committed.
 */
export interface HistoryEntry {
  /** HEAD at the start of the run, `-dirty` if src/ or bench/ had uncommitted changes. */
  commit: string;
  /** ISO 8601, when the run started. */
  measuredAt: string;
  mode: 'quick' | 'full';
  command: string;
  /** Only on a partial run (--only): the scenarios it ran; the ratios of the others are null. */
  only?: ScenarioId[];
  rounds: number;
  wallSeconds: number;
  /** Load on a shared machine moves the figures: the highest 1-minute load average seen as a run started. */
  maxLoadAvg1m: number | null;
  machine: {
    cpus: number;
    cpuModel: string;
    node: string;
    kafka: string;
    kafkajs: string;
    confluent?: string | null;
  };
  ratios: Ratios;
  /** Each goal's verdict (null: not measured in this run). */
  goals: Partial<Record<keyof Ratios, boolean | null>>;
  /** scenario → system → medians. */
  figures: Record<string, Record<string, HistoryFigures>>;
}

const round = (value: number | undefined, digits: number) =>
  value === undefined ? undefined : Math.round(value * 10 ** digits) / 10 ** digits;

export function historyEntry(
  results: BenchResults,
  commit: string,
  run: { rounds: number; only?: ScenarioId[] },
): HistoryEntry {
  const m = results.machine;
  const loads = results.scenarios.flatMap((s) =>
    s.systems.flatMap((sys) => sys.runs.map((r) => r.loadAvg1m)),
  );
  const figures: HistoryEntry['figures'] = {};
  for (const scenario of results.scenarios) {
    figures[scenario.id] = Object.fromEntries(
      scenario.systems.map((s) => [
        s.id,
        {
          eventsPerSec: round(s.eventsPerSec?.median, 0),
          cpuUsPerEvent: round(s.cpuUsPerEvent?.median, 1),
          p99Ms: round(s.p99Ms?.median, 1),
        },
      ]),
    );
  }
  return {
    commit,
    measuredAt: results.startedAt,
    mode: results.mode,
    command: results.command,
    ...(run.only ? { only: run.only } : {}),
    rounds: run.rounds,
    wallSeconds: results.wallSeconds,
    maxLoadAvg1m: loads.length > 0 ? round(Math.max(...loads), 2)! : null,
    machine: {
      cpus: m.cpus,
      cpuModel: m.cpuModel,
      node: m.node,
      kafka: m.broker.version,
      kafkajs: m.kafkajs,
      confluent: m.confluent ?? null,
    },
    ratios: results.ratios,
    goals: Object.fromEntries(results.goals.map((g) => [g.ratio, g.pass])),
    figures,
  };
}

/** Appends one JSON line; earlier lines are never rewritten. */
export function appendHistory(file: string, entry: HistoryEntry): void {
  mkdirSync(dirname(file), { recursive: true });
  appendFileSync(file, JSON.stringify(entry) + '\n');
}
