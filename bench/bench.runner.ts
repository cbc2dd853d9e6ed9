import { mkdirSync, readdirSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { Measurement, ProfileSummary, RunRecord, ScenarioSummary } from './bench.types';
import { RunContext, ScenarioPlan } from './scenario.plan';
import { summarizeProfile } from './profile.summary';
import { summarizeScenario } from './results.summary';

export interface ScenarioOutcome {
  summary: ScenarioSummary;
  profiles: ProfileSummary[];
}

/**
 * Runs a scenario: prepares its topic, then every system once per round, the order reversed every other
 * round so no system always runs first (on a cold broker) or last; then, with --profile, the library's
 * systems once more under the profiler. The scenario's topics are deleted when it ends.
 */
export async function runScenario(
  plan: ScenarioPlan,
  context: RunContext,
  log: (line: string) => void,
  profileDir?: string,
): Promise<ScenarioOutcome> {
  const before = new Set(context.topics.live);
  await plan.prepare(context, (line) => log(`[${plan.id}] ${line}`));
  const runs = new Map<string, RunRecord[]>(plan.systems.map((s) => [s.id, []]));
  for (let round = 1; round <= context.config.rounds; round++) {
    const order = round % 2 === 1 ? plan.systems : [...plan.systems].reverse();
    for (const [position, system] of order.entries()) {
      const tag = `[${plan.id} r${round} ${position + 1}/${order.length}] ${system.id}`;
      const loadAvg1m = Math.round(loadavg()[0] * 100) / 100;
      try {
        const measurement = await system.run(context, { round });
        runs.get(system.id)!.push({ round, position, loadAvg1m, measurement });
        log(`${tag}: ${describe(measurement)}`);
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        runs.get(system.id)!.push({ round, position, loadAvg1m, error: message });
        log(`${tag}: FAILED ${message.split('\n').slice(0, 12).join('\n    ')}`);
      }
    }
  }
  const profiles: ProfileSummary[] = [];
  if (profileDir) {
    for (const system of plan.systems.filter((s) => s.profile)) {
      const dir = join(profileDir, `${plan.id}.${system.id}`);
      mkdirSync(dir, { recursive: true });
      try {
        await system.run(context, { round: 0, cpuProfileDir: dir });
        const file = readdirSync(dir).find((f) => f.endsWith('.cpuprofile'));
        if (file) profiles.push(summarizeProfile(join(dir, file), plan.id, system.id));
        log(`[${plan.id} profile] ${system.id}: ${file ? join(dir, file) : 'no profile written'}`);
      } catch (error) {
        log(`[${plan.id} profile] ${system.id}: FAILED ${(error as Error).message.split('\n')[0]}`);
      }
    }
  }
  await context.topics.drop(context.topics.live.filter((t) => !before.has(t)));
  return { summary: summarizeScenario(plan, runs), profiles };
}

function describe(m: Measurement): string {
  const parts = [
    `${Math.round(m.eventsPerSec).toLocaleString('en-US')} ev/s`,
    `${m.events.toLocaleString('en-US')} events in ${(m.elapsedMs / 1000).toFixed(2)} s${m.capped ? ' (capped)' : ''}`,
    `${m.cpuUsPerEvent} µs CPU/event`,
    `peak RSS ${Math.round(m.peakRssMb)} MB`,
  ];
  if (m.latency)
    parts.unshift(`p50 ${m.latency.p50Ms} ms, p99 ${m.latency.p99Ms} ms, max ${m.latency.maxMs} ms`);
  if (m.requests && Object.keys(m.requests).length > 0) {
    const top = Object.entries(m.requests)
      .sort((a, b) => b[1] - a[1])
      .slice(0, 4)
      .map(([api, n]) => `${api} ${n}`)
      .join(', ');
    parts.push(`requests: ${top}`);
  }
  return parts.join(' · ');
}
