import { BenchConfig } from './bench.config';
import {
  BenchResults,
  GoalResult,
  ProfileSummary,
  Ratios,
  ScenarioSummary,
  Spread,
  SystemSummary,
} from './bench.types';

const RATIO_DEFINITIONS: Record<keyof Ratios, string> = {
  produceVsKafkajsSend:
    'library `send()` × 1,000 callers ÷ kafkajs `producer.send()` per event × 1,000 callers',
  produceVsJava: 'library `send()` × 1,000 callers ÷ Java `ProducerPerformance`',
  consumeVsKafkajsEachBatch: 'library `@EventHandler` ÷ kafkajs `eachBatch`, trivial handler',
  consumeVsNestTransport: "library `@EventHandler` ÷ Nest's `@EventPattern`, trivial handler",
  keyedConcurrencySpeedup: 'I/O-bound handler: library concurrent ÷ library one record at a time',
  routingCost50: '1 − (50 handlers ÷ 1 handler): the fraction by which 50 handlers are slower',
  e2eP99Ms: 'library send → handler p99 at 1,000 events/s, ms (median of rounds)',
  produceVsKafkajsSendBatch:
    'library `send()` × 1,000 callers on the faster of its clients ÷ raw kafkajs `sendBatch()` hand-batched, both with the five headers',
  e2eP99VsKafkajs: 'library e2e p99 ÷ raw kafkajs e2e p99, 1,000 events/s, same run',
  secondClient: 'the second client measured (null: not installed, its ratios null too)',
  produceVsSecondClientRaw:
    'library `send()` × 1,000 callers on confluent ÷ confluent `producer.send()` used raw, hand-batched',
  consumeVsSecondClientRaw: 'library `@EventHandler` on confluent ÷ confluent `eachBatch` used raw',
  replayVsKafkajsCopy:
    '`DeadLetterService.replay()` ÷ a raw kafkajs copy of the same parked records (records/s)',
};

function n(value: number | undefined, digits = 0): string {
  if (value === undefined || !Number.isFinite(value)) return '—';
  return value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

function range(s: Spread | undefined, digits = 0): string {
  return s ? `${n(s.min, digits)} – ${n(s.max, digits)}` : '—';
}

function runsCell(system: SystemSummary): string {
  const parts = [`${system.runs.length - system.failedRuns}/${system.runs.length}`];
  if (system.cappedRuns > 0) parts.push(`${system.cappedRuns} capped`);
  return parts.join(', ');
}

/** Kafka requests per 1,000 events in the first measured run (kafkajs and the library count them). */
function requestsCell(system: SystemSummary): string {
  const run = system.runs.find((r) => r.measurement?.requests)?.measurement;
  if (!run?.requests || run.events === 0 || Object.keys(run.requests).length === 0) return '—';
  return Object.entries(run.requests)
    .sort((a, b) => b[1] - a[1])
    .slice(0, 3)
    .map(([api, count]) => `${api} ${n((count / run.events) * 1000, 1)}`)
    .join(', ');
}

function goalCell(goal: GoalResult): string {
  if (goal.value === null) return '— not measured';
  return goal.pass ? '✅ pass' : '❌ fail';
}

function goalValue(goal: GoalResult): string {
  if (goal.value === null) return '—';
  if (goal.ratio === 'e2eP99Ms') return `${n(goal.value, 1)} ms`;
  if (goal.ratio === 'e2eP99VsKafkajs') return `${n(goal.value, 2)}×`;
  if (goal.ratio === 'routingCost50') return `${n(goal.value * 100, 1)}%`;
  return `${n(goal.value, 2)}×`;
}

function find(scenarios: ScenarioSummary[], scenario: string, system: string): SystemSummary | undefined {
  return scenarios.find((s) => s.id === scenario)?.systems.find((s) => s.id === system);
}

function perThousand(system: SystemSummary | undefined, api: string): string {
  const run = system?.runs.find((r) => r.measurement?.requests)?.measurement;
  if (!run?.requests || run.events === 0) return '—';
  return n(((run.requests[api] ?? 0) / run.events) * 1000, 0);
}

/** Figures of this run that show what a goal's ratio is made of (they change as the library does). */
function evidence(goal: GoalResult, scenarios: ScenarioSummary[]): string {
  const cpu = (scenario: string, system: string) =>
    n(find(scenarios, scenario, system)?.cpuUsPerEvent?.median, 1);
  const rate = (scenario: string, system: string) =>
    n(find(scenarios, scenario, system)?.eventsPerSec?.median);
  switch (goal.ratio) {
    case 'produceVsKafkajsSend':
      return (
        `library: ${perThousand(find(scenarios, 'produce', 'library.send.c1000'), 'Produce')} Produce requests ` +
        `per 1,000 events; ${rate('produce', 'library.send.c1')} events/s with 1 caller, ` +
        `${rate('produce', 'library.send.c1000')} with 1,000`
      );
    case 'produceVsJava':
      return `CPU per event: library ${cpu('produce', 'library.send.c1000')} µs, Java ${cpu('produce', 'java.producer')} µs (whole JVM)`;
    case 'consumeVsKafkajsEachBatch':
      return `CPU per event: library ${cpu('consume', 'library.eventHandler')} µs, kafkajs eachBatch ${cpu('consume', 'kafkajs.eachBatch')} µs`;
    case 'consumeVsNestTransport':
      return `CPU per event: library ${cpu('consume', 'library.eventHandler')} µs, Nest ${cpu('consume', 'nest.eventPattern')} µs`;
    case 'keyedConcurrencySpeedup':
      return `one at a time ${rate('io', 'library.sequential')} events/s, concurrent ${rate('io', 'library.concurrent')} events/s`;
    case 'e2eP99Ms': {
      const lib = find(scenarios, 'e2e', 'library.e2e');
      return `of which send → broker ack: p99 ${n(lib?.ackP99Ms?.median, 1)} ms`;
    }
    case 'routingCost50':
      return `CPU per event: ${cpu('routing', 'library.handlers50')} µs with 50 handlers, ${cpu('routing', 'library.handlers1')} µs with 1`;
    case 'produceVsKafkajsSendBatch':
      return (
        `events/s: library send() ${rate('produce', 'library.send.c1000')} on kafkajs, ` +
        `${rate('produce', 'library.send.c1000.confluent')} on confluent (sendBatch ` +
        `${rate('produce', 'library.sendBatch.kafkajs')} / ${rate('produce', 'library.sendBatch.confluent')}); ` +
        `raw kafkajs ${rate('produce', 'kafkajs.sendBatch')}`
      );
    case 'produceVsSecondClientRaw':
      return `CPU per event: library ${cpu('produce', 'library.send.c1000.confluent')} µs, confluent raw ${cpu('produce', 'confluent.sendBatch')} µs`;
    case 'consumeVsSecondClientRaw':
      return `CPU per event: library ${cpu('consume', 'library.eventHandler.confluent')} µs, confluent raw ${cpu('consume', 'confluent.eachBatch')} µs`;
    case 'e2eP99VsKafkajs': {
      const raw = find(scenarios, 'e2e', 'kafkajs.e2e');
      const lib = find(scenarios, 'e2e', 'library.e2e');
      return `p99: library ${n(lib?.p99Ms?.median, 1)} ms, raw kafkajs ${n(raw?.p99Ms?.median, 1)} ms`;
    }
    default:
      return '';
  }
}

function throughputTable(scenario: ScenarioSummary): string[] {
  const rows = scenario.systems.map(
    (s) =>
      `| ${s.label} | ${n(s.eventsPerSec?.median)} | ${range(s.eventsPerSec)} | ${n(s.eventsPerRun)} | ` +
      `${n(s.cpuUsPerEvent?.median, 1)} | ${n(s.peakRssMb?.max)} | ${requestsCell(s)} | ${runsCell(s)} |`,
  );
  return [
    '| system | events/s (median) | min – max | events per run | CPU µs/event | peak RSS MB | Kafka requests per 1,000 events | runs ok |',
    '| --- | ---: | ---: | ---: | ---: | ---: | --- | --- |',
    ...rows,
  ];
}

function latencyTable(scenario: ScenarioSummary): string[] {
  const rows = scenario.systems.map(
    (s) =>
      `| ${s.label} | ${n(s.p50Ms?.median, 1)} | ${n(s.p99Ms?.median, 1)} | ${range(s.p99Ms, 1)} | ` +
      `${n(s.maxMs?.median, 1)} | ${n(s.ackP50Ms?.median, 1)} / ${n(s.ackP99Ms?.median, 1)} | ` +
      `${n(s.cpuUsPerEvent?.median, 1)} | ${n(s.peakRssMb?.max)} | ${requestsCell(s)} | ${runsCell(s)} |`,
  );
  return [
    '| system | p50 ms | p99 ms (median) | p99 min – max | max ms | send → ack p50 / p99 ms | CPU µs/event | peak RSS MB | Kafka requests per 1,000 events | runs ok |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- | --- |',
    ...rows,
  ];
}

function profileSection(profiles: ProfileSummary[]): string[] {
  if (profiles.length === 0) {
    return [
      'Not profiled in this run. `npm run bench -- --profile` runs each CPU-bound library workload once more ' +
        'under `--cpu-prof` (outside the measured rounds) and summarises the profile here.',
    ];
  }
  const out = [
    'Each profile is one extra, unmeasured run under `node --cpu-prof` (the `.cpuprofile` files stay in the ' +
      'git-ignored `bench/results/profiles/`); percentages are of busy samples (idle and ts-node compilation ' +
      'at startup left out; module loading and Nest bootstrap stay in). "node core" is time in Node itself ' +
      '(timers, AbortController, async hooks, buffers) on behalf of its callers.',
    '',
  ];
  for (const p of profiles) {
    const areas = Object.entries(p.areas)
      .map(([area, share]) => `${area} ${n(share, 1)}%`)
      .join(' · ');
    out.push(`**${p.scenario}: ${p.system}** (\`${p.file}\`) — ${areas}`, '');
    out.push('| self % | function | where |', '| ---: | --- | --- |');
    for (const h of p.hotspots)
      out.push(`| ${n(h.selfPercent, 1)} | \`${h.function}\` | \`${h.location}\` |`);
    out.push('');
  }
  return out;
}

function failures(scenarios: ScenarioSummary[]): string[] {
  const out: string[] = [];
  for (const scenario of scenarios) {
    for (const system of scenario.systems) {
      for (const run of system.runs.filter((r) => r.error)) {
        out.push(`- ${scenario.id} / ${system.id}, round ${run.round}: ${run.error!.split('\n')[0]}`);
      }
    }
  }
  return out;
}

/**
 * `analysis`: the hand-written reading of the figures (bench/analysis.md), placed after the profiles: what
 * holds back the goals a run misses. It is prose about one run; rewrite it when the figures move.
 */
export function markdownReport(
  results: BenchResults,
  config: BenchConfig,
  chartPath: string,
  analysis?: string,
): string {
  const m = results.machine;
  const quick = results.mode === 'quick';
  const lines: string[] = [
    '# Benchmarks',
    '',
    '<!-- Generated by `npm run bench` (bench/report.markdown.ts). Do not edit: run the bench again. -->',
    '',
    `Measured ${results.startedAt.slice(0, 16).replace('T', ' ')} UTC with \`${results.command}\` ` +
      `(${results.mode} mode, ${config.rounds} round${config.rounds === 1 ? '' : 's'}, ` +
      `${Math.round(results.wallSeconds)} s wall time including the broker's start), on the library at commit ` +
      `\`${m.library.commit}\`${m.library.srcDirty ? ' with uncommitted changes in `src/`' : ''} ` +
      `(src/ hash \`${m.library.srcHash}\`). ` +
      'Raw figures: [`bench/results/latest.json`](../bench/results/latest.json); every run, for comparison: ' +
      '[`bench/results/history.jsonl`](../bench/results/history.jsonl). What the issue asks for: ' +
      'issue 6, "Speed"; issue 12, replay throughput; issue 15, the second client and produce on equal terms.',
    '',
    'The second client, `@confluentinc/kafka-javascript`, is an optional peer and not in `node_modules`. The ' +
      'bench finds it through `NODE_PATH`, or else in `.cache/confluent/node_modules` (git-ignored): ' +
      '`npm install --prefix .cache/confluent --no-save @confluentinc/kafka-javascript@^1.10.1` puts it there ' +
      "(where no prebuilt binary downloads, it builds from source: Debian's `libzstd-dev libcurl4-openssl-dev " +
      'libsasl2-dev liblz4-dev` and `CKJS_LINKING=dynamic`). Without it the bench says so in one line, runs ' +
      'the rest, and its ratios are null.',
    '',
  ];
  if (m.library.changedDuringRun) {
    lines.push(
      '> **Warning:** `src/` changed while this run was measuring (its hash differs between start and end): ' +
        'some figures may describe one version of the library and some another. Run the bench again.',
      '',
    );
  }
  if (quick) {
    lines.push(
      '> Quick mode: small counts and one round, to check the harness in under 3 minutes. Compare systems ' +
        'within this run only; `npm run bench` gives the figures to quote.',
      '',
    );
  }
  lines.push(
    '## Machine',
    '',
    '| cores | CPU | memory | OS | Node | Kafka broker | Java | kafkajs | @confluentinc/kafka-javascript | @nestjs/microservices |',
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |',
    `| ${m.cpus} | ${m.cpuModel} | ${m.memoryGb} GB | ${m.os} | ${m.node} | ${m.broker.version} (${m.broker.mode}, 1 node) | ${m.java} | ${m.kafkajs} | ${m.confluent ?? 'not installed'} | ${m.nestMicroservices} |`,
    '',
    '## Goals',
    '',
    '| goal | target | measured | result | evidence from this run |',
    '| --- | --- | ---: | --- | --- |',
    ...results.goals.map(
      (g) =>
        `| ${g.goal} | ${g.target} | ${goalValue(g)} | ${goalCell(g)} | ${evidence(g, results.scenarios)} |`,
    ),
    '',
    `![Throughput per system](${chartPath})`,
    '',
    '## Ratios',
    '',
    'The `ratios` object of `latest.json`, each from medians of this run:',
    '',
    '| key | value | definition |',
    '| --- | ---: | --- |',
    ...(Object.keys(RATIO_DEFINITIONS) as (keyof Ratios)[]).map(
      (key) => `| \`${key}\` | ${results.ratios[key] ?? '—'} | ${RATIO_DEFINITIONS[key]} |`,
    ),
    '',
    '## Results',
    '',
  );
  for (const scenario of results.scenarios) {
    lines.push(`### ${scenario.title}`, '', scenario.description, '');
    lines.push(...(scenario.id === 'e2e' ? latencyTable(scenario) : throughputTable(scenario)), '');
  }
  lines.push('## Where the library spends its time', '', ...profileSection(results.profiles), '');
  if (analysis) {
    lines.push(
      '## What holds the missed goals back',
      '',
      '_Written by hand in `bench/analysis.md` from the figures and profiles of the run above._',
      '',
      analysis.trim(),
      '',
    );
  }
  lines.push('## Method', '', ...results.notes.map((note) => `- ${note}`), '');
  const failed = failures(results.scenarios);
  if (failed.length > 0) lines.push('## Failed runs', '', ...failed, '');
  return lines.join('\n');
}
