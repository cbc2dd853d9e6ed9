/** Shapes shared by the bench's parent process, its workers and its reports. */

export type ScenarioId = 'produce' | 'consume' | 'routing' | 'io' | 'e2e' | 'replay';

/** `confluent`: @confluentinc/kafka-javascript used raw; `libraryConfluent`: this library on that client. */
export type SystemFamily = 'kafkajs' | 'confluent' | 'nest' | 'library' | 'libraryConfluent' | 'java';

/** The client behind a library workload (module option `client`). */
export type BenchClient = 'kafkajs' | 'confluent';

/** What a worker process runs: one system on one scenario, once. */
export type WorkloadKind =
  | 'kafkajs.send'
  | 'kafkajs.sendBatch'
  | 'nest.emit'
  | 'library.send'
  | 'library.sendBatch'
  | 'confluent.send'
  | 'kafkajs.eachMessage'
  | 'kafkajs.eachBatch'
  | 'nest.eventPattern'
  | 'library.eventHandler'
  | 'confluent.eachBatch'
  | 'kafkajs.e2e'
  | 'nest.e2e'
  | 'library.e2e'
  | 'library.replay'
  | 'kafkajs.replayCopy';

/** Which handlers a library consumer registers (consume, routing and I/O scenarios). */
export type LibraryHandlerSet =
  | 'trivial'
  /** The trivial handler with one pass-through interceptor (@UseInterceptors): what an enhancer costs. */
  | 'trivial-intercepted'
  | 'routing-1'
  | 'routing-50'
  | 'io-sequential'
  | 'io-concurrent';

export interface WorkerTask {
  kind: WorkloadKind;
  brokers: string[];
  topic: string;
  /** Fresh per run: consumer group id, client id and DLQ topic derive from it. */
  runName: string;
  dlqTopic: string;
  /** Events to produce, or expected on the topic. */
  events: number;
  /** Produce: callers of the send API at the same time. */
  concurrency?: number;
  /** Batched APIs (kafkajs and confluent raw, library sendBatch): events per call. */
  batchSize?: number;
  /** Batched APIs: calls in flight at once. */
  inFlight?: number;
  /** Raw clients: whether their records carry the library's five headers (default true). */
  headers?: boolean;
  /** Library workloads: the client behind the library (default kafkajs). */
  client?: BenchClient;
  /** Replay: the consumer group the parked records name (whose redelivery topic receives them). */
  replayGroup?: string;
  /** Replay, raw copy: the topic the records are copied to. */
  copyTopic?: string;
  /** The measurement stops after this long even if not all events went through (reported as capped). */
  capMs: number;
  recordBytes: number;
  handlers?: LibraryHandlerSet;
  /** I/O-bound handlers: how long each awaits. */
  handlerDelayMs?: number;
  /** End to end: events per second, measured seconds and unmeasured warm-up before them. */
  ratePerSec?: number;
  durationMs?: number;
  warmupMs?: number;
}

export interface LatencySummary {
  count: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
}

/** One measured run of one system, as the worker (or the Java runner) reports it. */
export interface Measurement {
  /** Events completed inside the measured window. */
  events: number;
  elapsedMs: number;
  eventsPerSec: number;
  /** True when the time cap ended the run before all events went through. */
  capped: boolean;
  /** User + system CPU of the measuring process over the window, per event. */
  cpuUsPerEvent: number;
  /** Peak resident set size of the measuring process over its whole life (bootstrap included). */
  peakRssMb: number;
  /** Consumers: from starting the client to the first event handled (group join, first fetch). */
  startupMs?: number;
  /** End to end: from the send call to the handler. */
  latency?: LatencySummary;
  /** End to end: from the send call until the send API resolved (broker acknowledged). */
  ackLatency?: LatencySummary;
  /** Kafka requests by API name during the window (kafkajs and this library; not Nest, not Java). */
  requests?: Record<string, number>;
  /** Anything the reader of the figure should know (e.g. Java CPU covers the whole JVM). */
  note?: string;
}

export interface RunRecord {
  round: number;
  /** Position of this system in its round's order (the order alternates between rounds). */
  position: number;
  /** The machine's 1-minute load average as the run started: high values mean something else was busy. */
  loadAvg1m: number;
  measurement?: Measurement;
  error?: string;
}

export interface Spread {
  median: number;
  min: number;
  max: number;
}

export interface SystemSummary {
  id: string;
  family: SystemFamily;
  label: string;
  runs: RunRecord[];
  eventsPerSec?: Spread;
  cpuUsPerEvent?: Spread;
  peakRssMb?: Spread;
  p50Ms?: Spread;
  p99Ms?: Spread;
  maxMs?: Spread;
  ackP50Ms?: Spread;
  ackP99Ms?: Spread;
  /** Events per measured run (median), to show where a time cap shortened a run. */
  eventsPerRun?: number;
  cappedRuns: number;
  failedRuns: number;
}

export interface ScenarioSummary {
  id: ScenarioId;
  title: string;
  description: string;
  systems: SystemSummary[];
}

export interface Ratios {
  produceVsKafkajsSend: number | null;
  produceVsJava: number | null;
  consumeVsKafkajsEachBatch: number | null;
  consumeVsNestTransport: number | null;
  keyedConcurrencySpeedup: number | null;
  routingCost50: number | null;
  e2eP99Ms: number | null;
  /** Issue 15: library sendBatch on the faster client ÷ raw kafkajs sendBatch, both with the library's headers. */
  produceVsKafkajsSendBatch: number | null;
  /** Issue 15: library e2e p99 ÷ raw kafkajs e2e p99 at the same rate, same run. */
  e2eP99VsKafkajs: number | null;
  /** Issue 15: the second client's package name (null when it is not installed). */
  secondClient: string | null;
  produceVsSecondClientRaw: number | null;
  consumeVsSecondClientRaw: number | null;
  /** Issue 12: DeadLetterService.replay ÷ a raw kafkajs copy of the same parked records. */
  replayVsKafkajsCopy: number | null;
}

/** Ratios that are numbers (every key but secondClient). */
export type GoalKey = Exclude<keyof Ratios, 'secondClient'>;

export interface GoalResult {
  ratio: GoalKey;
  goal: string;
  target: string;
  value: number | null;
  pass: boolean | null;
}

export interface ProfileHotspot {
  function: string;
  location: string;
  selfPercent: number;
}

export interface ProfileSummary {
  system: string;
  scenario: ScenarioId;
  /** Share of busy (non-idle) samples by where the code lives: this library, kafkajs, Nest, Node, GC. */
  areas: Record<string, number>;
  hotspots: ProfileHotspot[];
  file: string;
}

export interface MachineInfo {
  cpus: number;
  cpuModel: string;
  memoryGb: number;
  os: string;
  node: string;
  kafkajs: string;
  /** @confluentinc/kafka-javascript's version, or null when it is not installed. */
  confluent?: string | null;
  nestMicroservices: string;
  broker: { mode: string; version: string; brokers: string[] };
  java: string;
  /** The library measured: HEAD at the start, src/ uncommitted changes, a hash of src/'s files. */
  library: { commit: string; srcDirty: boolean; srcHash: string; changedDuringRun?: boolean };
}

export interface BenchResults {
  schema: 1;
  mode: 'quick' | 'full';
  command: string;
  /** HEAD at the start, `-dirty` with changes to src/ or bench/ (absent in runs made before it was recorded). */
  commit?: string;
  startedAt: string;
  wallSeconds: number;
  machine: MachineInfo;
  config: unknown;
  scenarios: ScenarioSummary[];
  ratios: Ratios;
  goals: GoalResult[];
  profiles: ProfileSummary[];
  notes: string[];
}
