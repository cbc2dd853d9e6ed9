import { INestApplicationContext, Injectable, Module, Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { setTimeout as delay } from 'node:timers/promises';
import {
  EventHandler,
  EventHandlerOptions,
  KafkaClientFactory,
  KafkajsClientFactory,
  KafkaModule,
  KafkaModuleOptions,
  KafkaProducerService,
} from '../src';
import { LibraryHandlerSet, Measurement, WorkerTask } from './bench.types';
import { IO_CONCURRENT_HANDLER_OPTIONS, IO_CONCURRENT_MODULE_OPTIONS } from './library.options';
import { BenchEvents, benchKey, benchPayload, routingEventName } from './event.payload';
import { RequestCounter } from './request.counter';
import { KafkaOrchestrator } from '../src/kafka.orchestrator';
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

/** The library's own kafkajs client, with its requests counted. */
function countingClientFactory(counter: RequestCounter): KafkaClientFactory {
  return new KafkajsClientFactory({
    producer: (producer) => counter.watchProducer(producer),
    consumer: (consumer) => counter.watchConsumer(consumer),
  });
}

/** A Nest application context with KafkaModule.forRoot on the run's topic and the given handler providers. */
async function startApp(
  task: WorkerTask,
  counter: RequestCounter,
  providers: Type[],
  extra: Partial<KafkaModuleOptions> = {},
): Promise<INestApplicationContext> {
  @Module({
    imports: [
      KafkaModule.forRoot({
        brokers: task.brokers,
        clientId: task.runName,
        dlqTopic: task.dlqTopic,
        topics: { bench: task.topic, [BenchEvents.routingDomain]: task.topic },
        createTopics: false,
        clientFactory: countingClientFactory(counter),
        ...extra,
      }),
    ],
    providers,
  })
  class LibraryBenchModule {}
  const app = await NestFactory.createApplicationContext(LibraryBenchModule, { logger: ['error'] });
  // Startup connects in the background; measure from where bootstrap used to return.
  await app.get(KafkaOrchestrator).whenFirstAttemptDone();
  return app;
}

/**
 * A provider with one @EventHandler method per event name, all in the run's consumer group, built at run time
 * because the group is fresh for every run. The decorator is applied as TypeScript would apply it.
 */
function handlerProvider(
  task: WorkerTask,
  eventNames: string[],
  onEvent: (event: unknown) => unknown,
  options: Partial<EventHandlerOptions> = {},
): Type {
  @Injectable()
  class BenchHandlers {}
  eventNames.forEach((eventName, i) => {
    const name = `handle${i}`;
    Object.defineProperty(BenchHandlers.prototype, name, {
      value: function handle(event: unknown) {
        return onEvent(event);
      },
      writable: true,
      configurable: true,
    });
    const descriptor = Object.getOwnPropertyDescriptor(BenchHandlers.prototype, name)!;
    EventHandler({ ...options, eventName, groupId: task.runName, fromBeginning: true })(
      BenchHandlers.prototype,
      name,
      descriptor,
    );
  });
  return BenchHandlers;
}

export async function libraryProduce(task: WorkerTask, counter: RequestCounter): Promise<Measurement> {
  const app = await startApp(task, counter, []);
  const producer = app.get(KafkaProducerService);
  const loop = {
    concurrency: task.concurrency ?? 1,
    send: (seq: number) =>
      producer.send(BenchEvents.produced, benchPayload(BenchEvents.produced, seq, task.recordBytes), {
        key: benchKey(seq),
      }),
  };
  const warmup = warmupEvents(task);
  await produceLoop({ ...loop, from: 0, total: warmup, capMs: 60_000 });
  counter.start();
  const result = await produceLoop({ ...loop, from: warmup, total: task.events, capMs: task.capMs });
  return { ...result, requests: counter.stop() };
}

/** Event names the handlers of each set subscribe to. */
export function handlerEventNames(set: LibraryHandlerSet): string[] {
  switch (set) {
    case 'trivial':
      return [BenchEvents.consumed];
    case 'routing-1':
      return [`${BenchEvents.routingDomain}.*`];
    case 'routing-50':
      // 25 exact names and 25 wildcards; each event of the routing scenario matches exactly one of them.
      return Array.from({ length: 50 }, (_, i) =>
        i % 2 === 0 ? routingEventName(i) : `${BenchEvents.routingDomain}.w${(i - 1) / 2}.*`,
      );
    case 'io-sequential':
    case 'io-concurrent':
      return [BenchEvents.io];
  }
}

export async function libraryConsume(task: WorkerTask, counter: RequestCounter): Promise<Measurement> {
  const set = task.handlers ?? 'trivial';
  const meter = new ConsumeMeter(task.events, () => counter.start());
  const ioBound = set === 'io-sequential' || set === 'io-concurrent';
  const onEvent = ioBound
    ? async () => {
        await delay(task.handlerDelayMs ?? 5);
        meter.record();
      }
    : () => meter.record();
  const concurrent = set === 'io-concurrent';
  const provider = handlerProvider(
    task,
    handlerEventNames(set),
    onEvent,
    concurrent ? IO_CONCURRENT_HANDLER_OPTIONS : {},
  );
  await startApp(task, counter, [provider], concurrent ? IO_CONCURRENT_MODULE_OPTIONS : {});
  const result = await meter.result(task.capMs);
  return { ...result, requests: counter.stop() };
}

export async function libraryEndToEnd(task: WorkerTask, counter: RequestCounter): Promise<Measurement> {
  const { total, warmup } = e2eCounts(task);
  const meter = new LatencyMeter(total, warmup);
  const probe = probeLatch();
  const provider = handlerProvider(task, [BenchEvents.e2e], (event) => {
    const { seq } = event as { seq: number };
    if (seq === PROBE_SEQ) probe.seen();
    else meter.onReceived(seq);
  });
  const app = await startApp(task, counter, [provider]);
  const producer = app.get(KafkaProducerService);
  const send = (seq: number) =>
    producer.send(BenchEvents.e2e, benchPayload(BenchEvents.e2e, seq, task.recordBytes), {
      key: benchKey(seq),
    });
  await send(PROBE_SEQ);
  await withDeadline(probe.promise, 90_000, 'the handler to receive a probe event');
  const result = await meter.run(task.ratePerSec!, send, () => counter.start());
  return { ...result, requests: counter.stop() };
}
