import { BenchConfig } from './bench.config';
import { consumeScenario } from './consume.scenario';
import { e2eScenario } from './e2e.scenario';
import { ioScenario } from './io.scenario';
import { produceScenario } from './produce.scenario';
import { replayScenario } from './replay.scenario';
import { routingScenario } from './routing.scenario';
import { ScenarioPlan } from './scenario.plan';

/** The scenarios, in the order they run; --only keeps some. */
export function benchPlan(config: BenchConfig): ScenarioPlan[] {
  const all = [
    produceScenario(config),
    consumeScenario(config),
    routingScenario(config),
    ioScenario(config),
    e2eScenario(config),
    replayScenario(config),
  ];
  return all.filter((s) => config.only.includes(s.id));
}
