/**
 * npm run bench [-- --quick]: this library side by side with raw kafkajs, Nest's Kafka transport and Kafka's
 * Java perf tools, on one broker, in one run (issue 6). Starts or reuses a broker through the launcher,
 * runs every scenario for every system in fresh worker processes, several rounds in alternating order, and
 * writes bench/results/<timestamp>.json, bench/results/latest.json, bench/results/latest.svg and
 * docs/benchmarks.md, and appends the run's summary to bench/results/history.jsonl. A benchmark, not a test: CI
 * does not run it.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { format, resolveConfig } from 'prettier';
import { DEFAULT_KAFKA_VERSION, KafkaCluster, resolveKafkaJars, startKafkaCluster } from '../broker';
import { BenchConfig, commandLine, parseBenchArgs, SCENARIOS } from './bench.config';
import { benchPlan } from './bench.plan';
import { RunContext } from './scenario.plan';
import { runScenario } from './bench.runner';
import { BenchResults, ProfileSummary, ScenarioSummary } from './bench.types';
import { throughputChart } from './chart.svg';
import { JavaPerfTools } from './java.workload';
import { codeCommit, libraryState, machineInfo } from './machine.info';
import { markdownReport } from './report.markdown';
import { appendHistory, historyEntry } from './results.history';
import { goalsOf, ratiosOf } from './results.summary';
import { SECOND_CLIENT, secondClientVersion, SECOND_CLIENT_CACHE } from './second.client';
import { BenchTopics } from './topics.admin';
import { killWorkers } from './worker.process';

const ROOT = join(__dirname, '..');
const RESULTS_DIR = join(__dirname, 'results');
const HISTORY_FILE = join(RESULTS_DIR, 'history.jsonl');
const DOCS_FILE = join(ROOT, 'docs', 'benchmarks.md');
const ANALYSIS_FILE = join(ROOT, 'bench', 'analysis.md');

const log = (line: string) => console.log(`${new Date().toISOString().slice(11, 19)} ${line}`);

let cluster: KafkaCluster | undefined;

function methodNotes(config: BenchConfig): string[] {
  const notes = [
    'Each measured run is a fresh Node process (`bench/worker.main.ts`) that runs one system once: its CPU ' +
      'time (`process.cpuUsage()` over the measured window, divided by the events in it) and peak RSS ' +
      '(`process.resourceUsage().maxRSS`, the whole process life, Nest bootstrap included) belong to that ' +
      'system alone. The Java tools run as their own JVM; their CPU and peak RSS are read from `/proc` and ' +
      'cover the whole JVM, startup and JIT included.',
    `Every scenario runs each system once per round, ${config.rounds} round(s); the order of systems is ` +
      'reversed every other round. Tables give the median and the min – max of the rounds. Each run in ' +
      '`latest.json` also records the 1-minute load average as it started (`loadAvg1m`; the bench alone keeps ' +
      'it near 2 to 3 on 2 cores): on a shared machine, a run with a much higher load had company.',
    'Before the first scenario the broker is warmed up (records written and read back, unmeasured), so the ' +
      'first system measured does not pay for a cold JVM.',
    'Kafka requests are counted (kafkajs instrumentation events) inside the measured window only.',
    'Produce: before the measured events each worker sends an unmeasured warm-up (at least 200 events, and at ' +
      'least one per caller) on the same connection. The window ends when the last call in flight returns.',
    'Consume: the window runs from the first event handled to the last, so group join is left out for every ' +
      'system (Java: `fetch.nMsg.sec`, which leaves out its rebalance time).',
    'Trivial handler: counts the event. Raw kafkajs parses the JSON value first, as Nest and the library do ' +
      'before their handlers run.',
    'End to end: a timer tops the sends up to the target rate every 5 ms (bursts of about 5 events); each ' +
      'send is not awaited before the next. Latency is from the send call to the handler, in one process.',
    'Systems as configured by their own documentation: kafkajs `producer.send()` per event with its defaults ' +
      '(a non-idempotent producer, acks=-1 per send) and its consumer with `partitionsConsumedConcurrently` 1; ' +
      'Nest `ClientKafka` (producer-only) and a `createMicroservice` Kafka transport with defaults; the library ' +
      'through `KafkaModule.forRoot` with its defaults (docs/configuration.md) except where a scenario says ' +
      "otherwise, on kafkajs unless a row says confluent (module option `client: 'confluent'`). Java " +
      '`ProducerPerformance` with `acks=all` and its defaults (Kafka 4: `linger.ms` 5, idempotence on) and ' +
      '`ConsumerPerformance` with its defaults; `-Xmx512M` like their scripts.',
    'Equal terms (issue 15): the hand-batched raw baselines write what the library writes: the same keys and ' +
      "JSON bodies, the library's five headers (a fresh event id per record) unless the row says no headers, " +
      'acks=all with an idempotent producer (kafkajs: `idempotent: true`, one request in flight per broker, as ' +
      "the library's own kafkajs writer; confluent: `idempotent: true`, `acks: -1`, the murmur2 partitioner, " +
      "librdkafka's own batching with `linger.ms` 5), the same calls of 1,000 records with the same number " +
      "in flight as the library's `sendBatch()`. The raw confluent consumer sets `js.consumer.max.batch.size` " +
      "1,000, as its docs advise for throughput; the library's confluent consumer keeps the client's default.",
    "Replay (issue 12): both systems start with their producer connected and include their reader's group " +
      'join; records per second are the parked records written divided by that window.',
    'No sleeps for synchronisation: workers wait on promises with deadlines (first event, all events, a probe ' +
      'event before an end-to-end stream starts). The 5 ms await of the I/O handler is the workload itself.',
  ];
  if (config.mode === 'full') {
    notes.push(
      `Counts: the issue's 200,000 produced and 500,000 consumed events, but each run is capped at ` +
        `${config.produce.capMs / 1000} s (produce) and ${config.consume.capMs / 1000} s (consume): one caller ` +
        'awaiting each acks=all send manages a few hundred to a few thousand events per second here, and ' +
        '200,000 of them per run and round would take most of an hour. A capped run reports the events it ' +
        'completed and is marked in the runs column.',
    );
  } else {
    notes.push(
      "Quick mode scales the issue's counts down (see the scenario descriptions) and caps every run in time, " +
        'so the whole run fits in 3 minutes on 2 cores; throughput from short runs is lower than in steady state.',
    );
  }
  return notes;
}

async function main(): Promise<number> {
  const argv = process.argv.slice(2);
  const config = parseBenchArgs(argv);
  const startedAt = new Date();
  const partial = config.only.length !== SCENARIOS.length || config.systems !== undefined;
  const library = libraryState();
  const commit = codeCommit();

  cluster = await startKafkaCluster({ log: (line) => log(`[broker] ${line}`) });
  const kafkaVersion = cluster.version ?? (process.env.KAFKA_VERSION?.trim() || DEFAULT_KAFKA_VERSION);
  log(`broker ${cluster.mode} ${cluster.version ?? ''} at ${cluster.brokers.join(',')}`);
  const second = secondClientVersion();
  log(
    second
      ? `second client ${SECOND_CLIENT} ${second}`
      : `second client ${SECOND_CLIENT} is not installed (neither on NODE_PATH nor in ${SECOND_CLIENT_CACHE}): ` +
          'its systems are left out and its ratios are null; docs/benchmarks.md says how to install it',
  );
  const java = new JavaPerfTools(await resolveKafkaJars(kafkaVersion, (line) => log(`[jars] ${line}`)));

  const runId = startedAt.toISOString().replace(/[-:]/g, '').slice(0, 15);
  const topics = new BenchTopics(cluster.brokers, runId, config.partitions);
  await topics.connect();
  const dlqTopic = await topics.create(topics.name('dlq'), 1);
  const context: RunContext = { config, brokers: cluster.brokers, topics, java, dlqTopic };
  const warmupMs = await topics.warmUpBroker(config.brokerWarmupRecords);
  log(
    `broker warmed up with ${config.brokerWarmupRecords.toLocaleString('en-US')} records in ${warmupMs} ms`,
  );
  const profileDir = config.profile ? join(RESULTS_DIR, 'profiles', runId) : undefined;

  const scenarios: ScenarioSummary[] = [];
  const profiles: ProfileSummary[] = [];
  try {
    for (const plan of benchPlan(config)) {
      const outcome = await runScenario(plan, context, log, profileDir);
      scenarios.push(outcome.summary);
      profiles.push(...outcome.profiles);
    }
  } finally {
    await topics.close();
  }

  const ratios = ratiosOf(scenarios);
  const results: BenchResults = {
    schema: 1,
    mode: config.mode,
    command: commandLine(argv),
    commit,
    startedAt: startedAt.toISOString(),
    wallSeconds: Math.round((Date.now() - startedAt.getTime()) / 100) / 10,
    machine: machineInfo(cluster, kafkaVersion, await java.version(), library),
    config,
    scenarios,
    ratios,
    goals: goalsOf(ratios),
    profiles,
    notes: methodNotes(config),
  };
  if (results.machine.library.changedDuringRun) {
    log('WARNING: src/ changed during the run; the figures may mix two versions of the library');
  }
  await stopBroker();

  mkdirSync(RESULTS_DIR, { recursive: true });
  const stamped = join(
    RESULTS_DIR,
    `${startedAt.toISOString().replace(/:/g, '-').replace(/\..*/, '')}Z.json`,
  );
  writeFileSync(stamped, JSON.stringify(results, null, 2) + '\n');
  log(`wrote ${stamped}`);
  appendHistory(
    HISTORY_FILE,
    historyEntry(results, commit, { rounds: config.rounds, only: partial ? config.only : undefined }),
  );
  log('appended the run to bench/results/history.jsonl');
  if (partial) {
    log(
      'partial run (--only or --systems): latest.json, the chart and docs/benchmarks.md are left as they were',
    );
  } else {
    await writeReports(results, config);
    log(`wrote bench/results/latest.json, bench/results/latest.svg and docs/benchmarks.md`);
  }
  for (const goal of results.goals) {
    const verdict = goal.pass === null ? 'not measured' : goal.pass ? 'pass' : 'FAIL';
    log(`goal ${goal.ratio} ${goal.target}: ${goal.value ?? '—'} (${verdict})`);
  }
  log(`done in ${results.wallSeconds} s`);
  return 0;
}

/** latest.json, the chart and docs/benchmarks.md, from one run's results. */
async function writeReports(results: BenchResults, config: BenchConfig): Promise<void> {
  writeFileSync(join(RESULTS_DIR, 'latest.json'), JSON.stringify(results, null, 2) + '\n');
  const m = results.machine;
  const subtitle = `${m.cpus} cores · Node ${m.node} · Kafka ${m.broker.version} · ${results.command}`;
  writeFileSync(join(RESULTS_DIR, 'latest.svg'), throughputChart(results.scenarios, subtitle));
  // Formatted as `npm run lint` (prettier --check .) expects every Markdown file of the repository to be.
  const analysis = existsSync(ANALYSIS_FILE) ? readFileSync(ANALYSIS_FILE, 'utf8') : undefined;
  const markdown = markdownReport(results, config, '../bench/results/latest.svg', analysis);
  const style = (await resolveConfig(DOCS_FILE)) ?? {};
  writeFileSync(DOCS_FILE, await format(markdown, { ...style, filepath: DOCS_FILE }));
}

/**
 * --report-only: renders the chart and docs/benchmarks.md again from bench/results/latest.json, with the
 * scenario descriptions, method notes, ratios and goals of the current code (functions of the stored config
 * and medians), and measures nothing. For changes to the report's layout or wording.
 */
async function reportOnly(): Promise<number> {
  const results = JSON.parse(readFileSync(join(RESULTS_DIR, 'latest.json'), 'utf8')) as BenchResults;
  const config = results.config as BenchConfig;
  const plans = benchPlan(config);
  for (const scenario of results.scenarios) {
    scenario.description = plans.find((p) => p.id === scenario.id)?.description ?? scenario.description;
  }
  results.notes = methodNotes(config);
  // Ratios and goals are functions of the stored medians: their definitions may have changed since.
  results.ratios = ratiosOf(results.scenarios);
  results.goals = goalsOf(results.ratios);
  await writeReports(results, config);
  log('rendered bench/results/latest.svg and docs/benchmarks.md again from bench/results/latest.json');
  return 0;
}

async function stopBroker(): Promise<void> {
  const running = cluster;
  cluster = undefined;
  await running?.stop();
}

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    log(`${signal}: stopping workers and the broker`);
    killWorkers();
    void stopBroker().finally(() => process.exit(130));
  });
}

(process.argv.includes('--report-only') ? reportOnly() : main()).then(
  (code) => process.exit(code),
  async (error: Error) => {
    console.error(error.stack ?? error.message);
    killWorkers();
    await stopBroker().catch(() => undefined);
    process.exit(1);
  },
);
