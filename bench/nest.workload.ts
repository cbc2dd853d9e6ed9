import { Controller, INestMicroservice, Module, Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ClientKafka, EventPattern, KafkaOptions, Transport } from '@nestjs/microservices';
import { logLevel, Partitioners } from 'kafkajs';
import { lastValueFrom } from 'rxjs';
import { Measurement, WorkerTask } from './bench.types';
import { BenchEvents, benchKey, benchPayload } from './event.payload';
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
 * Nest's own Kafka transport (@nestjs/microservices), as its docs set it up: ClientKafka.emit for events
 * (one kafkajs send per emit, kafkajs' default acks=-1), and a microservice whose @EventPattern(topic)
 * handler receives the parsed JSON value (ServerKafka runs on eachMessage and awaits the handler).
 */
function clientOptions(task: WorkerTask): KafkaOptions['options'] {
  return {
    client: { clientId: task.runName, brokers: task.brokers, logLevel: logLevel.NOTHING },
    producer: { createPartitioner: Partitioners.DefaultPartitioner },
    producerOnlyMode: true,
  };
}

async function connectedClient(task: WorkerTask): Promise<ClientKafka> {
  const client = new ClientKafka(clientOptions(task)!);
  await client.connect();
  return client;
}

function emitter(client: ClientKafka, task: WorkerTask, eventName: string) {
  return (seq: number) =>
    lastValueFrom(
      client.emit(task.topic, { key: benchKey(seq), value: benchPayload(eventName, seq, task.recordBytes) }),
    );
}

export async function nestProduce(task: WorkerTask): Promise<Measurement> {
  const client = await connectedClient(task);
  const loop = { concurrency: task.concurrency ?? 1, send: emitter(client, task, BenchEvents.produced) };
  const warmup = warmupEvents(task);
  await produceLoop({ ...loop, from: 0, total: warmup, capMs: 60_000 });
  return produceLoop({ ...loop, from: warmup, total: task.events, capMs: task.capMs });
}

/** A microservice with one @EventPattern(topic) controller method that hands each event to `onEvent`. */
async function startMicroservice(
  task: WorkerTask,
  onEvent: (data: unknown) => void,
): Promise<INestMicroservice> {
  @Controller()
  class BenchEventsController {
    @EventPattern(task.topic)
    handle(data: unknown): void {
      onEvent(data);
    }
  }
  const module = benchModule([BenchEventsController]);
  const app = await NestFactory.createMicroservice(module, {
    transport: Transport.KAFKA,
    options: {
      client: { clientId: task.runName, brokers: task.brokers, logLevel: logLevel.NOTHING },
      consumer: { groupId: task.runName },
      subscribe: { fromBeginning: true },
      // Keep the group id as given (Nest appends "-server" by default).
      postfixId: '',
    },
    logger: ['error'],
  });
  await app.listen();
  return app;
}

function benchModule(controllers: Type[]): Type {
  @Module({ controllers })
  class NestTransportBenchModule {}
  return NestTransportBenchModule;
}

export async function nestConsume(task: WorkerTask): Promise<Measurement> {
  const meter = new ConsumeMeter(task.events);
  await startMicroservice(task, () => meter.record());
  return meter.result(task.capMs);
}

export async function nestEndToEnd(task: WorkerTask): Promise<Measurement> {
  const { total, warmup } = e2eCounts(task);
  const meter = new LatencyMeter(total, warmup);
  const probe = probeLatch();
  await startMicroservice(task, (data) => {
    const { seq } = data as { seq: number };
    if (seq === PROBE_SEQ) probe.seen();
    else meter.onReceived(seq);
  });
  const send = emitter(await connectedClient(task), task, BenchEvents.e2e);
  await send(PROBE_SEQ);
  await withDeadline(probe.promise, 90_000, 'the microservice to receive a probe event');
  return meter.run(task.ratePerSec!, send);
}
