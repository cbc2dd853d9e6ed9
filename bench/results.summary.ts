import {
  GoalKey,
  GoalResult,
  Measurement,
  Ratios,
  RunRecord,
  ScenarioSummary,
  Spread,
  SystemSummary,
} from './bench.types';
import { ScenarioPlan, SystemPlan } from './scenario.plan';
import { SECOND_CLIENT } from './second.client';

export function spread(values: number[]): Spread | undefined {
  const finite = values.filter((v) => Number.isFinite(v)).sort((a, b) => a - b);
  if (finite.length === 0) return undefined;
  const mid = Math.floor(finite.length / 2);
  const median = finite.length % 2 === 1 ? finite[mid] : (finite[mid - 1] + finite[mid]) / 2;
  return { median, min: finite[0], max: finite[finite.length - 1] };
}

export function summarizeSystem(system: SystemPlan, runs: RunRecord[]): SystemSummary {
  const ok = runs.map((r) => r.measurement).filter((m): m is Measurement => m !== undefined);
  const of = (pick: (m: Measurement) => number | undefined) => spread(ok.map((m) => pick(m) ?? NaN));
  return {
    id: system.id,
    family: system.family,
    label: system.label,
    runs,
    eventsPerSec: of((m) => m.eventsPerSec),
    cpuUsPerEvent: of((m) => m.cpuUsPerEvent),
    peakRssMb: of((m) => m.peakRssMb),
    p50Ms: of((m) => m.latency?.p50Ms),
    p99Ms: of((m) => m.latency?.p99Ms),
    maxMs: of((m) => m.latency?.maxMs),
    ackP50Ms: of((m) => m.ackLatency?.p50Ms),
    ackP99Ms: of((m) => m.ackLatency?.p99Ms),
    eventsPerRun: spread(ok.map((m) => m.events))?.median,
    cappedRuns: ok.filter((m) => m.capped).length,
    failedRuns: runs.length - ok.length,
  };
}

export function summarizeScenario(plan: ScenarioPlan, runs: Map<string, RunRecord[]>): ScenarioSummary {
  return {
    id: plan.id,
    title: plan.title,
    description: plan.description,
    systems: plan.systems.map((s) => summarizeSystem(s, runs.get(s.id) ?? [])),
  };
}

function median(scenarios: ScenarioSummary[], scenario: string, system: string, field: keyof SystemSummary) {
  const summary = scenarios.find((s) => s.id === scenario)?.systems.find((s) => s.id === system);
  const value = summary?.[field] as Spread | undefined;
  return value?.median;
}

function ratio(a: number | undefined, b: number | undefined): number | null {
  if (a === undefined || b === undefined || b === 0) return null;
  return Math.round((a / b) * 1000) / 1000;
}

/** The issues' ratios, each from medians measured in this run. */
export function ratiosOf(scenarios: ScenarioSummary[]): Ratios {
  const rate = (scenario: string, system: string) => median(scenarios, scenario, system, 'eventsPerSec');
  const ownProduce = rate('produce', 'library.send.c1000');
  const ownConsume = rate('consume', 'library.eventHandler');
  const oneHandler = ratio(rate('routing', 'library.handlers50'), rate('routing', 'library.handlers1'));
  const p99 = median(scenarios, 'e2e', 'library.e2e', 'p99Ms');
  // Issue 15: the library's batcher (send() × 1,000 callers) on the faster of its clients against hand-batched
  // raw kafkajs; the second client's ratios from the library on that client against the same client used raw.
  const sendOn = (client: string) =>
    rate('produce', client === 'kafkajs' ? 'library.send.c1000' : `library.send.c1000.${client}`);
  const fasterSend = [sendOn('kafkajs'), sendOn('confluent')]
    .filter((v): v is number => v !== undefined)
    .sort((a, b) => b - a)[0];
  const secondMeasured =
    rate('produce', 'confluent.sendBatch') !== undefined ||
    rate('consume', 'confluent.eachBatch') !== undefined;
  return {
    produceVsKafkajsSend: ratio(ownProduce, rate('produce', 'kafkajs.send.c1000')),
    produceVsJava: ratio(ownProduce, rate('produce', 'java.producer')),
    consumeVsKafkajsEachBatch: ratio(ownConsume, rate('consume', 'kafkajs.eachBatch')),
    consumeVsNestTransport: ratio(ownConsume, rate('consume', 'nest.eventPattern')),
    keyedConcurrencySpeedup: ratio(rate('io', 'library.concurrent'), rate('io', 'library.sequential')),
    routingCost50: oneHandler === null ? null : Math.round((1 - oneHandler) * 1000) / 1000,
    e2eP99Ms: p99 ?? null,
    produceVsKafkajsSendBatch: ratio(fasterSend, rate('produce', 'kafkajs.sendBatch')),
    e2eP99VsKafkajs: ratio(p99, median(scenarios, 'e2e', 'kafkajs.e2e', 'p99Ms')),
    secondClient: secondMeasured ? SECOND_CLIENT : null,
    produceVsSecondClientRaw: ratio(sendOn('confluent'), rate('produce', 'confluent.sendBatch')),
    consumeVsSecondClientRaw: ratio(
      rate('consume', 'library.eventHandler.confluent'),
      rate('consume', 'confluent.eachBatch'),
    ),
    replayVsKafkajsCopy: ratio(rate('replay', 'library.replay'), rate('replay', 'kafkajs.replayCopy')),
  };
}

/** A goal: a floor (`atLeast`) or a ceiling (`atMost`) on one ratio; its target text is made from the same bound. */
interface Goal {
  ratio: GoalKey;
  goal: string;
  atLeast?: number;
  atMost?: number;
  /** How the bound reads: a factor, milliseconds, or a fraction shown as a percentage. */
  unit: '×' | ' ms' | '%';
}

const GOALS: Goal[] = [
  {
    ratio: 'produceVsKafkajsSend',
    goal: 'produce, 1,000 concurrent callers, vs raw kafkajs send per event',
    atLeast: 5,
    unit: '×',
  },
  {
    ratio: 'produceVsJava',
    goal: 'produce, 1,000 concurrent callers, vs the Java producer',
    atLeast: 0.5,
    unit: '×',
  },
  {
    ratio: 'consumeVsKafkajsEachBatch',
    goal: 'consume, trivial handler, vs raw kafkajs eachBatch',
    atLeast: 0.9,
    unit: '×',
  },
  {
    ratio: 'consumeVsNestTransport',
    goal: "consume, trivial handler, vs Nest's Kafka transport",
    atLeast: 2,
    unit: '×',
  },
  {
    ratio: 'keyedConcurrencySpeedup',
    goal: 'I/O-bound handler, concurrent vs one record at a time',
    atLeast: 10,
    unit: '×',
  },
  { ratio: 'e2eP99Ms', goal: 'end-to-end p99 at 1,000 events/s', atMost: 20, unit: ' ms' },
  {
    ratio: 'routingCost50',
    goal: '50 handlers in one group, slower than one handler by',
    atMost: 0.1,
    unit: '%',
  },
  {
    ratio: 'produceVsKafkajsSendBatch',
    goal: 'produce, library send() × 1,000 callers on the faster client, vs raw kafkajs sendBatch (issue 15)',
    atLeast: 1,
    unit: '×',
  },
  {
    ratio: 'produceVsSecondClientRaw',
    goal: 'produce, library send() × 1,000 callers on confluent, vs confluent used raw (issue 15)',
    atLeast: 0.9,
    unit: '×',
  },
  {
    ratio: 'consumeVsSecondClientRaw',
    goal: 'consume, library on confluent, vs confluent eachBatch used raw (issue 15)',
    atLeast: 0.9,
    unit: '×',
  },
  {
    ratio: 'e2eP99VsKafkajs',
    goal: 'end-to-end p99 at 1,000 events/s, library vs raw kafkajs (issue 15)',
    atMost: 1,
    unit: '×',
  },
];

function targetOf({ atLeast, atMost, unit }: Goal): string {
  const bound = (atLeast ?? atMost)!;
  return `${atLeast !== undefined ? '≥' : '≤'} ${unit === '%' ? Math.round(bound * 100) : bound}${unit}`;
}

function passes({ atLeast, atMost }: Goal, value: number): boolean {
  return atLeast !== undefined ? value >= atLeast : value <= atMost!;
}

export function goalsOf(ratios: Ratios): GoalResult[] {
  return GOALS.map((goal) => {
    const value = ratios[goal.ratio];
    return {
      ratio: goal.ratio,
      goal: goal.goal,
      target: targetOf(goal),
      value,
      pass: value === null ? null : passes(goal, value),
    };
  });
}
