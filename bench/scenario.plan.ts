import { BenchConfig } from './bench.config';
import {
  BenchClient,
  LibraryHandlerSet,
  Measurement,
  ScenarioId,
  SystemFamily,
  WorkerTask,
  WorkloadKind,
} from './bench.types';
import { Message } from 'kafkajs';
import { libraryShapedRecord } from './event.payload';
import { JavaPerfTools } from './java.workload';
import { BenchTopics } from './topics.admin';
import { runWorker } from './worker.process';

/** What every run gets from the harness. */
export interface RunContext {
  config: BenchConfig;
  brokers: string[];
  topics: BenchTopics;
  java: JavaPerfTools;
  dlqTopic: string;
}

export interface RunOptions {
  round: number;
  /** Run under the V8 profiler, writing the profile here (Node systems only). */
  cpuProfileDir?: string;
}

export interface SystemPlan {
  id: string;
  family: SystemFamily;
  label: string;
  /** Run once more under --profile (the library's systems whose time is spent in code, not in waiting). */
  profile?: boolean;
  run(context: RunContext, options: RunOptions): Promise<Measurement>;
}

export interface ScenarioPlan {
  id: ScenarioId;
  title: string;
  description: string;
  /** Creates and fills what all systems of the scenario read. */
  prepare(context: RunContext, log: (line: string) => void): Promise<void>;
  systems: SystemPlan[];
}

/** Upper bound for a worker beyond its measured time: process start, Nest bootstrap, group join, drain. */
const WORKER_OVERHEAD_MS = 120_000;

type TaskFields = Omit<WorkerTask, 'kind' | 'brokers' | 'runName' | 'dlqTopic' | 'recordBytes'>;

/** A system measured in a worker process of its own. */
export function nodeSystem(
  scenario: ScenarioId,
  id: string,
  family: SystemFamily,
  label: string,
  kind: WorkloadKind,
  fields: (context: RunContext, round: number) => Promise<TaskFields>,
  profile = false,
): SystemPlan {
  return {
    id,
    family,
    label,
    profile,
    async run(context, { round, cpuProfileDir }) {
      const task: WorkerTask = {
        kind,
        brokers: context.brokers,
        runName: context.topics.name(scenario, id, cpuProfileDir ? 'profile' : `r${round}`),
        dlqTopic: context.dlqTopic,
        recordBytes: context.config.recordBytes,
        ...(await fields(context, round)),
      };
      const timeoutMs = task.capMs + (task.durationMs ?? 0) + (task.warmupMs ?? 0) + WORKER_OVERHEAD_MS;
      const report = await runWorker(task, { timeoutMs, cpuProfileDir });
      if (!report.measurement) throw new Error(report.error ?? 'no measurement');
      return report.measurement;
    },
  };
}

export function count(n: number): string {
  return n.toLocaleString('en-US');
}

/**
 * Consumer scenarios read a pre-filled topic; each run is a fresh consumer group from the beginning. Records
 * are library-shaped (`eventName`) unless `record` makes them.
 */
export function prefilledTopic(
  scenario: string,
  events: number,
  eventName?: (seq: number) => string,
  record?: (seq: number) => Message,
) {
  let topic = '';
  return {
    get topic() {
      return topic;
    },
    async prepare(context: RunContext, log: (line: string) => void) {
      topic = await context.topics.create(context.topics.name(scenario));
      const startedAt = Date.now();
      await context.topics.prefill(
        topic,
        events,
        record ?? ((seq) => libraryShapedRecord(eventName!(seq), seq, context.config.recordBytes)),
      );
      log(
        `pre-filled ${topic} with ${count(events)} events in ${((Date.now() - startedAt) / 1000).toFixed(1)} s`,
      );
    },
  };
}

export function librarySystem(
  scenario: ScenarioId,
  id: string,
  label: string,
  handlers: LibraryHandlerSet,
  source: { topic: string },
  limits: { events: number; capMs: number; handlerDelayMs?: number; client?: BenchClient },
  profile = false,
): SystemPlan {
  return nodeSystem(
    scenario,
    id,
    limits.client === 'confluent' ? 'libraryConfluent' : 'library',
    label,
    'library.eventHandler',
    async () => ({ topic: source.topic, handlers, ...limits }),
    profile,
  );
}
