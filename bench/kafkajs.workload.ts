import { Kafka, logLevel, Message, Partitioners } from 'kafkajs';
import { Measurement, WorkerTask } from './bench.types';
import { BenchEvents, benchKey, benchPayload, libraryHeaders } from './event.payload';
import { RequestCounter } from './request.counter';
import {
  ConsumeMeter,
  e2eCounts,
  mark,
  measured,
  LatencyMeter,
  PROBE_SEQ,
  probeLatch,
  produceLoop,
  warmupEvents,
  withDeadline,
} from './workload.meter';

/**
 * kafkajs by hand, as its README shows it: default producer and consumer settings (the producer is not
 * idempotent), acks=-1 (all) on every send, kafkajs' Java-compatible partitioner. The trivial handler parses
 * the JSON value, as the other systems do before their handlers run.
 */
function kafka(task: WorkerTask): Kafka {
  return new Kafka({ clientId: task.runName, brokers: task.brokers, logLevel: logLevel.NOTHING });
}

function message(eventName: string, seq: number, recordBytes: number, headers = false): Message {
  const value = JSON.stringify(benchPayload(eventName, seq, recordBytes));
  return headers
    ? { key: benchKey(seq), value, headers: libraryHeaders(eventName, 'bench') }
    : { key: benchKey(seq), value };
}

/**
 * kafkajs.send: one record per call, kafkajs' default (non-idempotent) producer, as its README shows it.
 * kafkajs.sendBatch: hand-batched the way a throughput-minded user writes it, on the library's terms: the
 * idempotent producer (acks=all, one request in flight per broker, as the library's own writer), `batchSize`
 * records per call and `inFlight` calls at once, with the library's five headers unless `headers` is false.
 */
export async function kafkajsProduce(task: WorkerTask, counter: RequestCounter): Promise<Measurement> {
  const batched = task.kind === 'kafkajs.sendBatch';
  const producer = counter.watchProducer(
    kafka(task).producer(
      batched
        ? { createPartitioner: Partitioners.DefaultPartitioner, idempotent: true, maxInFlightRequests: 1 }
        : { createPartitioner: Partitioners.DefaultPartitioner },
    ),
  );
  await producer.connect();
  const headers = task.headers ?? true;
  const send = batched
    ? (seq: number, count: number) =>
        producer.sendBatch({
          acks: -1,
          topicMessages: [
            {
              topic: task.topic,
              messages: Array.from({ length: count }, (_, i) =>
                message(BenchEvents.produced, seq + i, task.recordBytes, headers),
              ),
            },
          ],
        })
    : (seq: number) =>
        producer.send({
          topic: task.topic,
          acks: -1,
          messages: [message(BenchEvents.produced, seq, task.recordBytes)],
        });
  const loop = {
    concurrency: batched ? (task.inFlight ?? 1) : (task.concurrency ?? 1),
    perCall: batched ? task.batchSize : 1,
    send,
  };
  const warmup = warmupEvents(task);
  await produceLoop({ ...loop, from: 0, total: warmup, capMs: 60_000 });
  counter.start();
  const result = await produceLoop({ ...loop, from: warmup, total: task.events, capMs: task.capMs });
  return { ...result, requests: counter.stop() };
}

/**
 * Issue 12's baseline: a raw kafkajs copy of the parked records, as a throughput-minded user writes it. A
 * consumer in a fresh group reads the DLQ topic up to the end offsets taken at the start, and each batch goes
 * to the copy topic in one `send` (idempotent producer, acks=all) before its offsets are resolved. The window
 * runs from the consumer's start (group join included, as in the library's replay) to the last record written.
 */
export async function kafkajsReplayCopy(task: WorkerTask, counter: RequestCounter): Promise<Measurement> {
  const client = kafka(task);
  const producer = counter.watchProducer(
    client.producer({ createPartitioner: Partitioners.DefaultPartitioner, idempotent: true }),
  );
  await producer.connect();
  const admin = client.admin();
  await admin.connect();
  counter.start();
  const start = mark();
  const ends = new Map(
    (await admin.fetchTopicOffsets(task.topic)).map((p) => [p.partition, BigInt(p.high)] as const),
  );
  await admin.disconnect();
  const total = [...ends.values()].reduce((sum, end) => sum + Number(end), 0);
  let copied = 0;
  let done!: () => void;
  const finished = new Promise<void>((resolve) => (done = resolve));
  const consumer = counter.watchConsumer(client.consumer({ groupId: task.runName }));
  await consumer.connect();
  await consumer.subscribe({ topics: [task.topic], fromBeginning: true });
  await consumer.run({
    eachBatch: async ({ batch, resolveOffset, heartbeat }) => {
      const end = ends.get(batch.partition) ?? 0n;
      const records = batch.messages.filter((m) => BigInt(m.offset) < end);
      if (records.length === 0) return;
      await producer.send({
        topic: task.copyTopic!,
        acks: -1,
        messages: records.map((m) => ({ key: m.key, value: m.value, headers: m.headers })),
      });
      resolveOffset(records[records.length - 1].offset);
      await heartbeat();
      copied += records.length;
      if (copied >= total) done();
    },
  });
  let capped = false;
  await withDeadline(finished, task.capMs, 'the copy').catch(() => (capped = true));
  return { ...measured(start, mark(), copied, capped), requests: counter.stop() };
}

export async function kafkajsConsume(task: WorkerTask, counter: RequestCounter): Promise<Measurement> {
  const meter = new ConsumeMeter(task.events, () => counter.start());
  const consumer = counter.watchConsumer(kafka(task).consumer({ groupId: task.runName }));
  const handle = (value: Buffer | null): void => {
    JSON.parse(value!.toString('utf8'));
    meter.record();
  };
  await consumer.connect();
  await consumer.subscribe({ topics: [task.topic], fromBeginning: true });
  if (task.kind === 'kafkajs.eachBatch') {
    await consumer.run({
      eachBatch: async ({ batch, resolveOffset, heartbeat }) => {
        for (const m of batch.messages) {
          handle(m.value);
          resolveOffset(m.offset);
        }
        await heartbeat();
      },
    });
  } else {
    await consumer.run({ eachMessage: async ({ message: m }) => handle(m.value) });
  }
  const result = await meter.result(task.capMs);
  return { ...result, requests: counter.stop() };
}

/** Sends at a fixed rate with producer.send per event; an eachMessage consumer in the same process. */
export async function kafkajsEndToEnd(task: WorkerTask, counter: RequestCounter): Promise<Measurement> {
  const { total, warmup } = e2eCounts(task);
  const meter = new LatencyMeter(total, warmup);
  const client = kafka(task);
  const producer = counter.watchProducer(
    client.producer({ createPartitioner: Partitioners.DefaultPartitioner }),
  );
  const consumer = counter.watchConsumer(client.consumer({ groupId: task.runName }));
  const probe = probeLatch();
  await producer.connect();
  await consumer.connect();
  await consumer.subscribe({ topics: [task.topic], fromBeginning: true });
  await consumer.run({
    eachMessage: async ({ message: m }) => {
      const { seq } = JSON.parse(m.value!.toString('utf8')) as { seq: number };
      if (seq === PROBE_SEQ) probe.seen();
      else meter.onReceived(seq);
    },
  });
  const send = (seq: number) =>
    producer.send({
      topic: task.topic,
      acks: -1,
      messages: [message(BenchEvents.e2e, seq, task.recordBytes)],
    });
  await send(PROBE_SEQ);
  await withDeadline(probe.promise, 90_000, 'the consumer to receive a probe event');
  const result = await meter.run(task.ratePerSec!, send, () => counter.start());
  return { ...result, requests: counter.stop() };
}
