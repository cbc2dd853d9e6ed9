import { BenchConfig } from './bench.config';
import { consumeScenario } from './consume.scenario';
import { e2eScenario } from './e2e.scenario';
import { ioScenario } from './io.scenario';
import { produceScenario } from './produce.scenario';
import { replayScenario } from './replay.scenario';
import { routingScenario } from './routing.scenario';
import { ScenarioPlan } from './scenario.plan';

/** The scenarios, in the order they run; --only keeps some, --systems some of their systems. */
export function benchPlan(config: BenchConfig): ScenarioPlan[] {
  const all = [
    produceScenario(config),
    consumeScenario(config),
    routingScenario(config),
    ioScenario(config),
    e2eScenario(config),
    replayScenario(config),
  ];
  const systems = config.systems;
  return all
    .filter((s) => config.only.includes(s.id))
    .map((s) => (systems ? { ...s, systems: s.systems.filter((system) => systems.includes(system.id)) } : s))
    .filter((s) => s.systems.length > 0);
}
