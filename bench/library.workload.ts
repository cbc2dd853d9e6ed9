import {
  CallHandler,
  ExecutionContext,
  INestApplicationContext,
  Injectable,
  Module,
  NestInterceptor,
  Type,
  UseInterceptors,
} from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { setTimeout as delay } from 'node:timers/promises';
import { Observable } from 'rxjs';
import {
  DeadLetterService,
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
  mark,
  measured,
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

/**
 * A Nest application context with KafkaModule.forRoot on the run's topic and the given handler providers. On
 * kafkajs the library's own client factory with its requests counted; on confluent the module option
 * `client: 'confluent'` (no request counts: its requests are librdkafka's).
 */
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
        ...(task.client === 'confluent'
          ? { client: 'confluent' as const }
          : { clientFactory: countingClientFactory(counter) }),
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

/** An interceptor that does nothing but pass the call on: the cost of Nest's enhanced call alone. */
@Injectable()
class PassThroughInterceptor implements NestInterceptor {
  intercept(_context: ExecutionContext, next: CallHandler): Observable<unknown> {
    return next.handle();
  }
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
  enhancers: MethodDecorator[] = [],
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
    for (const enhance of enhancers) enhance(BenchHandlers.prototype, name, descriptor);
    EventHandler({ ...options, eventName, groupId: task.runName, fromBeginning: true })(
      BenchHandlers.prototype,
      name,
      descriptor,
    );
  });
  return BenchHandlers;
}

/**
 * library.send: `concurrency` callers of send(), each awaiting its event. library.sendBatch: sendBatch() of
 * `batchSize` events, `inFlight` calls at once (as the raw clients' hand-batched baselines).
 */
export async function libraryProduce(task: WorkerTask, counter: RequestCounter): Promise<Measurement> {
  const app = await startApp(task, counter, []);
  const producer = app.get(KafkaProducerService);
  const event = (seq: number) => ({
    eventName: BenchEvents.produced,
    payload: benchPayload(BenchEvents.produced, seq, task.recordBytes),
    options: { key: benchKey(seq) },
  });
  const loop =
    task.kind === 'library.sendBatch'
      ? {
          concurrency: task.inFlight ?? 1,
          perCall: task.batchSize,
          send: (seq: number, count: number) =>
            producer.sendBatch(Array.from({ length: count }, (_, i) => event(seq + i))),
        }
      : {
          concurrency: task.concurrency ?? 1,
          send: (seq: number) => {
            const { eventName, payload, options } = event(seq);
            return producer.send(eventName, payload, options);
          },
        };
  const warmup = warmupEvents(task);
  await produceLoop({ ...loop, from: 0, total: warmup, capMs: 60_000 });
  counter.start();
  const result = await produceLoop({ ...loop, from: warmup, total: task.events, capMs: task.capMs });
  return { ...result, requests: counter.stop() };
}

/**
 * Issue 12: DeadLetterService.replay of every record parked by `replayGroup` in the run's DLQ topic (task.topic),
 * through that group's redelivery topic. The window is the replay() call: it resolves once every record is
 * written (and its progress committed); its reader's group join is inside, as in the raw copy.
 */
export async function libraryReplay(task: WorkerTask, counter: RequestCounter): Promise<Measurement> {
  const app = await startApp({ ...task, dlqTopic: task.topic }, counter, []);
  const service = app.get(DeadLetterService);
  counter.start();
  const start = mark();
  const result = await service.replay({ group: task.replayGroup });
  const end = mark();
  if (result.replayed !== task.events) {
    throw new Error(
      `replay wrote ${result.replayed} of ${task.events} parked records: ${JSON.stringify(result)}`,
    );
  }
  return { ...measured(start, end, result.replayed, false), requests: counter.stop() };
}

/** Event names the handlers of each set subscribe to. */
export function handlerEventNames(set: LibraryHandlerSet): string[] {
  switch (set) {
    case 'trivial':
    case 'trivial-intercepted':
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
    set === 'trivial-intercepted' ? [UseInterceptors(PassThroughInterceptor)] : [],
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
