import { BenchConfig } from './bench.config';
import { WorkloadKind } from './bench.types';
import { count, nodeSystem, RunContext, ScenarioPlan } from './scenario.plan';

export function e2eScenario(config: BenchConfig): ScenarioPlan {
  const { ratePerSec, durationMs, warmupMs } = config.e2e;
  const fields = (id: string) => async (context: RunContext, round: number) => ({
    topic: await context.topics.create(context.topics.name('e2e', id, `r${round}`)),
    events: Math.round((ratePerSec * durationMs) / 1000),
    capMs: 0,
    ratePerSec,
    durationMs,
    warmupMs,
  });
  const system = (family: 'kafkajs' | 'nest' | 'library', label: string, kind: WorkloadKind) =>
    nodeSystem('e2e', `${family}.e2e`, family, label, kind, fields(family));
  return {
    id: 'e2e',
    title: 'End-to-end latency',
    description:
      `${count(ratePerSec)} events/s for ${durationMs / 1000} s (after ${warmupMs / 1000} s unmeasured), sent ` +
      `and handled in one process, fresh topic; latency from the send call to the handler.`,
    prepare: async () => undefined,
    systems: [
      system('kafkajs', 'kafkajs send → eachMessage', 'kafkajs.e2e'),
      system('nest', 'Nest emit → @EventPattern', 'nest.e2e'),
      system('library', 'library send → @EventHandler', 'library.e2e'),
    ],
  };
}
