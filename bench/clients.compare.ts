/**
 * The client candidates side by side (issue 15; the figures of docs/clients.md): kafkajs,
 * @platformatic/kafka and @confluentinc/kafka-javascript, raw, on one broker, in one run.
 *
 *   npx ts-node --transpile-only bench/clients.compare.ts [records=200000] [rounds=3]
 *
 * Every measurement runs in a child process of its own (no client's garbage or sockets in another's run).
 * Produce: `records` records of ~512 B (the bench's JSON payload), keys `key-<n>`, acks=all, idempotent, in
 * calls of 1,000 records (8 in flight, 1 for @platformatic/kafka: see IN_FLIGHT), with the library's five headers and without. Consume: the
 * topic the kafkajs headers run wrote, from the beginning in a fresh group, each value parsed as JSON, until
 * every record arrived. A client that is not installed is reported as missing, not measured. KAFKA_BROKERS
 * names a running broker; without it one is started through the launcher. Results go to
 * bench/results/clients.json.
 */
import { fork } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { startKafkaCluster } from '../broker';
import { benchKey, benchPayload } from './event.payload';
import { codeCommit } from './machine.info';

const CLIENTS = ['kafkajs', 'platformatic', 'confluent'] as const;
type ClientName = (typeof CLIENTS)[number];
const PACKAGES: Record<ClientName, string> = {
  kafkajs: 'kafkajs',
  platformatic: '@platformatic/kafka',
  confluent: '@confluentinc/kafka-javascript',
};
const RECORD_BYTES = 512;
const BATCH = 1000;
/**
 * Calls in flight. @platformatic/kafka's idempotent producer takes one: with more, the broker refuses its
 * requests (OUT_OF_ORDER_SEQUENCE_NUMBER), so it runs with 1; kafkajs queues concurrent calls itself, and
 * librdkafka pipelines them.
 */
const IN_FLIGHT: Record<ClientName, number> = { kafkajs: 8, platformatic: 1, confluent: 8 };
const PARTITIONS = 6;
const JOB_TIMEOUT_MS = 180_000;

interface Job {
  client: ClientName;
  op: 'produce' | 'consume';
  headers: boolean;
  brokers: string[];
  topic: string;
  records: number;
}

/** The part of @confluentinc/kafka-javascript used here (it is not a dependency of the repository). */
interface ConfluentModule {
  KafkaJS: {
    Kafka: new (config: object) => {
      producer(config: object): Kafka['producer'] extends (...a: never[]) => infer P ? P : never;
      consumer(config: object): ReturnType<Kafka['consumer']>;
    };
  };
}

/** Node's own require: loads an ES module (@platformatic/kafka) on Node >= 20.19 as well. */
const load = createRequire(__filename);

function installed(client: ClientName): string | undefined {
  try {
    const path = load.resolve(PACKAGES[client]);
    return (
      load(join(path.slice(0, path.lastIndexOf(PACKAGES[client])), PACKAGES[client], 'package.json')) as {
        version: string;
      }
    ).version;
  } catch {
    return undefined;
  }
}

interface Rec {
  key: Buffer;
  value: Buffer;
  headers?: Record<string, Buffer>;
}

/** The records every client writes: the same bytes, built before the clock starts. */
function records(count: number, headers: boolean): Rec[] {
  return Array.from({ length: count }, (_, seq) => {
    const rec: Rec = {
      key: Buffer.from(benchKey(seq)),
      value: Buffer.from(JSON.stringify(benchPayload('bench.produced', seq, RECORD_BYTES))),
    };
    if (headers) {
      const id = Buffer.from(randomUUID());
      rec.headers = {
        'event-name': Buffer.from('bench.produced'),
        'event-id': id,
        'correlation-id': id,
        'content-type': Buffer.from('application/json'),
        'client-id': Buffer.from('bench'),
      };
    }
    return rec;
  });
}

/** Calls `send` on consecutive slices of BATCH records, IN_FLIGHT at a time; returns records per second. */
async function produceWindow<R>(
  all: R[],
  inFlight: number,
  send: (batch: R[]) => Promise<unknown>,
): Promise<number> {
  const started = process.hrtime.bigint();
  let next = 0;
  const lane = async () => {
    while (next < all.length) {
      const from = next;
      next += BATCH;
      await send(all.slice(from, from + BATCH));
    }
  };
  await Promise.all(Array.from({ length: inFlight }, lane));
  return all.length / (Number(process.hrtime.bigint() - started) / 1e9);
}

async function produce(job: Job): Promise<number> {
  const all = records(job.records, job.headers);
  if (job.client === 'kafkajs') {
    const kafka = new Kafka({ clientId: 'compare', brokers: job.brokers, logLevel: logLevel.NOTHING });
    const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    const rate = await produceWindow(all, IN_FLIGHT[job.client], (messages) =>
      producer.send({ topic: job.topic, acks: -1, messages }),
    );
    await producer.disconnect();
    return rate;
  }
  if (job.client === 'platformatic') {
    const { Producer, ProduceAcks, compatibilityPartitioner } = load(
      '@platformatic/kafka',
    ) as typeof import('@platformatic/kafka');
    // compatibilityPartitioner: the keys land where kafkajs and Java put them.
    const producer = new Producer({
      clientId: 'compare',
      bootstrapBrokers: job.brokers,
      idempotent: true,
      acks: ProduceAcks.ALL,
      partitioner: compatibilityPartitioner,
    });
    // Its own shape, made before the clock starts: headers are a Map with Buffer keys (an object's text
    // keys fail serialisation, and its idempotent producer then retries without end).
    const native = all.map(({ key, value, headers }) => ({
      topic: job.topic,
      key,
      value,
      headers: headers && new Map(Object.entries(headers).map(([k, v]) => [Buffer.from(k), v])),
    }));
    const rate = await produceWindow(native, IN_FLIGHT[job.client], (messages) =>
      producer.send({ messages }),
    );
    await producer.close();
    return rate;
  }
  const { KafkaJS } = load('@confluentinc/kafka-javascript') as ConfluentModule;
  const kafka = new KafkaJS.Kafka({ kafkaJS: { clientId: 'compare', brokers: job.brokers, logLevel: 0 } });
  // Its docs: acks and idempotence on the producer; librdkafka batches sends itself (linger.ms 5 by default).
  const producer = kafka.producer({ kafkaJS: { idempotent: true, acks: -1 } });
  await producer.connect();
  const rate = await produceWindow(all, IN_FLIGHT[job.client], (messages) =>
    producer.send({ topic: job.topic, messages }),
  );
  await producer.disconnect();
  return rate;
}

async function consume(job: Job): Promise<number> {
  const groupId = `compare-${randomUUID()}`;
  let seen = 0;
  let started = 0n;
  let done!: () => void;
  const finished = new Promise<void>((resolve) => (done = resolve));
  const handle = (value: Buffer | null) => {
    if (seen === 0) started = process.hrtime.bigint();
    JSON.parse(value!.toString('utf8'));
    if (++seen === job.records) done();
  };
  const rate = () => (job.records - 1) / (Number(process.hrtime.bigint() - started) / 1e9);
  if (job.client === 'kafkajs') {
    const kafka = new Kafka({ clientId: 'compare', brokers: job.brokers, logLevel: logLevel.NOTHING });
    const consumer = kafka.consumer({ groupId });
    await consumer.connect();
    await consumer.subscribe({ topics: [job.topic], fromBeginning: true });
    await consumer.run({
      eachBatch: async ({ batch, resolveOffset, heartbeat }) => {
        for (const m of batch.messages) {
          handle(m.value);
          resolveOffset(m.offset);
        }
        await heartbeat();
      },
    });
    await finished;
    const result = rate();
    await consumer.disconnect();
    return result;
  }
  if (job.client === 'platformatic') {
    const { Consumer, MessagesStreamModes } = load(
      '@platformatic/kafka',
    ) as typeof import('@platformatic/kafka');
    const consumer = new Consumer({ clientId: 'compare', bootstrapBrokers: job.brokers, groupId });
    // maxBytes 1 MB: its default (10 MB a partition) spends the time in GC (issue 15).
    const stream = await consumer.consume({
      topics: [job.topic],
      mode: MessagesStreamModes.EARLIEST,
      autocommit: false,
      maxBytes: 1_048_576,
    });
    stream.on('data', (m: { value: Buffer }) => handle(m.value));
    await finished;
    const result = rate();
    await stream.close();
    await consumer.close(true);
    return result;
  }
  const { KafkaJS } = load('@confluentinc/kafka-javascript') as ConfluentModule;
  const kafka = new KafkaJS.Kafka({ kafkaJS: { clientId: 'compare', brokers: job.brokers, logLevel: 0 } });
  // eachBatch hands over at most 32 records by default; its docs name js.consumer.max.batch.size for more.
  const consumer = kafka.consumer({
    kafkaJS: { groupId, fromBeginning: true },
    'js.consumer.max.batch.size': 1000,
  });
  await consumer.connect();
  await consumer.subscribe({ topics: [job.topic] });
  await consumer.run({
    eachBatch: async ({ batch, resolveOffset }) => {
      for (const m of batch.messages) {
        handle(m.value);
        resolveOffset(m.offset);
      }
    },
  });
  await finished;
  const result = rate();
  await consumer.disconnect();
  return result;
}

function runChild(job: Job): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = fork(__filename, ['--job', JSON.stringify(job)], {
      execArgv: ['-r', 'ts-node/register/transpile-only'],
    });
    // A client that stalls is reported as failed, not waited for.
    const timer = setTimeout(() => child.kill('SIGKILL'), JOB_TIMEOUT_MS);
    child.once('message', (rate) => resolve(rate as number));
    child.once('exit', (code) => {
      clearTimeout(timer);
      if (code !== 0) reject(new Error(`${job.op} ${job.client} exited ${code ?? 'killed after a stall'}`));
    });
  });
}

/** A client's error with the causes it nests (AggregateError's `errors`, broker responses). */
function describe(error: unknown, depth = 0): string {
  if (!(error instanceof Error) || depth > 4) return String(error);
  const nested = (error as { errors?: unknown[] }).errors ?? [];
  const response = (error as { response?: unknown }).response;
  return [
    `${error.name}: ${error.message}`,
    response === undefined ? '' : JSON.stringify(response, (_, v) => (typeof v === 'bigint' ? String(v) : v)),
    ...nested.slice(0, 2).map((e) => describe(e, depth + 1)),
  ]
    .filter(Boolean)
    .join('\n  ');
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function main(): Promise<void> {
  const count = Number(process.argv[2] ?? 200_000);
  const rounds = Number(process.argv[3] ?? 3);
  const external = process.env.KAFKA_BROKERS?.split(',');
  const cluster = external ? undefined : await startKafkaCluster({ log: () => undefined });
  const brokers = external ?? cluster!.brokers;
  const versions = Object.fromEntries(CLIENTS.map((c) => [c, installed(c)]));
  const present = CLIENTS.filter((c) => versions[c]);
  console.log(`brokers ${brokers.join(',')}; clients ${JSON.stringify(versions)}; ${count} records`);
  const admin = new Kafka({ clientId: 'compare', brokers, logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  const topic = (name: string) =>
    admin.createTopics({ waitForLeaders: true, topics: [{ topic: name, numPartitions: PARTITIONS }] });
  const samples: Record<string, number[]> = {};
  const note = (name: string, rate: number) => {
    (samples[name] ??= []).push(rate);
    console.log(`  ${name}: ${Math.round(rate)} records/s`);
  };
  let consumeTopic = '';
  for (let round = 1; round <= rounds; round++) {
    console.log(`round ${round}`);
    for (const headers of [true, false]) {
      // Clients alternate their order from round to round, so none always runs on a warmer broker.
      for (const client of round % 2 ? present : [...present].reverse()) {
        const name = `compare-${randomUUID()}`;
        await topic(name);
        const job: Job = { client, op: 'produce', headers, brokers, topic: name, records: count };
        note(`produce ${client} ${headers ? 'headers' : 'headerless'}`, await runChild(job));
        if (headers && client === 'kafkajs' && !consumeTopic) consumeTopic = name;
      }
    }
    for (const client of round % 2 ? present : [...present].reverse()) {
      const job: Job = { client, op: 'consume', headers: true, brokers, topic: consumeTopic, records: count };
      note(`consume ${client}`, await runChild(job));
    }
  }
  await admin.disconnect();
  await cluster?.stop();
  const medians = Object.fromEntries(Object.entries(samples).map(([k, v]) => [k, Math.round(median(v))]));
  console.log(JSON.stringify(medians, null, 2));
  const out = join(__dirname, 'results');
  mkdirSync(out, { recursive: true });
  writeFileSync(
    join(out, 'clients.json'),
    JSON.stringify(
      {
        date: new Date().toISOString(),
        commit: codeCommit(),
        node: process.version,
        records: count,
        rounds,
        versions,
        medians,
        samples,
      },
      null,
      2,
    ) + '\n',
  );
}

if (process.argv[2] === '--job') {
  const job = JSON.parse(process.argv[3]) as Job;
  (job.op === 'produce' ? produce(job) : consume(job))
    .then((rate) => process.send!(rate, () => process.exit(0)))
    .catch((error: unknown) => {
      console.error(describe(error));
      process.exit(1);
    });
} else {
  main().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
