import { Kafka, logLevel, Message, Partitioners } from 'kafkajs';
import { Measurement, WorkerTask } from './bench.types';
import { BenchEvents, benchKey, benchPayload } from './event.payload';
import { RequestCounter } from './request.counter';
import {
  ConsumeMeter,
  e2eCounts,
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

function message(eventName: string, seq: number, recordBytes: number): Message {
  return { key: benchKey(seq), value: JSON.stringify(benchPayload(eventName, seq, recordBytes)) };
}

export async function kafkajsProduce(task: WorkerTask, counter: RequestCounter): Promise<Measurement> {
  const producer = counter.watchProducer(
    kafka(task).producer({ createPartitioner: Partitioners.DefaultPartitioner }),
  );
  await producer.connect();
  const batched = task.kind === 'kafkajs.sendBatch';
  const send = batched
    ? (seq: number, count: number) =>
        producer.sendBatch({
          acks: -1,
          topicMessages: [
            {
              topic: task.topic,
              messages: Array.from({ length: count }, (_, i) =>
                message(BenchEvents.produced, seq + i, task.recordBytes),
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
    concurrency: batched ? 1 : (task.concurrency ?? 1),
    perCall: batched ? task.batchSize : 1,
    send,
  };
  const warmup = warmupEvents(task);
  await produceLoop({ ...loop, from: 0, total: warmup, capMs: 60_000 });
  counter.start();
  const result = await produceLoop({ ...loop, from: warmup, total: task.events, capMs: task.capMs });
  return { ...result, requests: counter.stop() };
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
