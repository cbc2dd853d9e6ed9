import { createRequire } from 'node:module';
import { Measurement, WorkerTask } from './bench.types';
import { BenchEvents, benchKey, benchPayload, libraryHeaders } from './event.payload';
import { SECOND_CLIENT } from './second.client';
import { ConsumeMeter, produceLoop, warmupEvents } from './workload.meter';

/** The part of @confluentinc/kafka-javascript's KafkaJS API used here (it is not a dependency of the repository). */
interface ConfluentMessage {
  key: string;
  value: string;
  headers?: Record<string, string>;
}
interface ConfluentKafka {
  producer(config: object): {
    connect(): Promise<void>;
    send(record: { topic: string; messages: ConfluentMessage[] }): Promise<unknown>;
  };
  consumer(config: object): {
    connect(): Promise<void>;
    subscribe(subscription: { topics: string[] }): Promise<void>;
    run(config: {
      eachBatch: (payload: {
        batch: { messages: { offset: string; value: Buffer | null }[] };
        resolveOffset(offset: string): void;
      }) => Promise<void>;
    }): Promise<void>;
  };
}

/** Loaded through Node's require, so NODE_PATH (set by bench/worker.process.ts) finds a copy outside node_modules. */
function confluent(task: WorkerTask): ConfluentKafka {
  const { KafkaJS } = createRequire(__filename)(SECOND_CLIENT) as {
    KafkaJS: { Kafka: new (config: object) => ConfluentKafka };
  };
  return new KafkaJS.Kafka({ kafkaJS: { clientId: task.runName, brokers: task.brokers, logLevel: 0 } });
}

/**
 * @confluentinc/kafka-javascript used raw, tuned as its docs advise and on the library's terms: its idempotent
 * producer (acks=all), librdkafka batching the records itself (`linger.ms` 5, its default), the murmur2
 * partitioner so keys land on the partitions kafkajs and Java choose, `batchSize` records per `send` call and
 * `inFlight` calls at once, with the library's five headers unless `headers` is false.
 */
export async function confluentProduce(task: WorkerTask): Promise<Measurement> {
  const producer = confluent(task).producer({
    partitioner: 'murmur2_random',
    kafkaJS: { idempotent: true, acks: -1 },
  });
  await producer.connect();
  const headers = task.headers ?? true;
  const message = (seq: number): ConfluentMessage => {
    const value = JSON.stringify(benchPayload(BenchEvents.produced, seq, task.recordBytes));
    return headers
      ? { key: benchKey(seq), value, headers: libraryHeaders(BenchEvents.produced, 'bench') }
      : { key: benchKey(seq), value };
  };
  const loop = {
    concurrency: task.inFlight ?? 1,
    perCall: task.batchSize,
    send: (seq: number, count: number) =>
      producer.send({
        topic: task.topic,
        messages: Array.from({ length: count }, (_, i) => message(seq + i)),
      }),
  };
  const warmup = warmupEvents(task);
  await produceLoop({ ...loop, from: 0, total: warmup, capMs: 60_000 });
  return produceLoop({ ...loop, from: warmup, total: task.events, capMs: task.capMs });
}

/**
 * Its KafkaJS-style `eachBatch` with `js.consumer.max.batch.size` 1,000 (its docs: the default hands over at
 * most 32 records a batch), a fresh group from the beginning; the trivial handler parses each JSON value.
 */
export async function confluentConsume(task: WorkerTask): Promise<Measurement> {
  const meter = new ConsumeMeter(task.events);
  const consumer = confluent(task).consumer({
    kafkaJS: { groupId: task.runName, fromBeginning: true },
    'js.consumer.max.batch.size': 1000,
  });
  await consumer.connect();
  await consumer.subscribe({ topics: [task.topic] });
  await consumer.run({
    eachBatch: async ({ batch, resolveOffset }) => {
      for (const m of batch.messages) {
        JSON.parse(m.value!.toString('utf8'));
        meter.record();
        resolveOffset(m.offset);
      }
    },
  });
  return meter.result(task.capMs);
}
