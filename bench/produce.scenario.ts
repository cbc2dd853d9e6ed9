import { BenchConfig } from './bench.config';
import { BenchClient, WorkloadKind } from './bench.types';
import { count, nodeSystem, RunContext, ScenarioPlan, SystemPlan } from './scenario.plan';
import { secondClientVersion } from './second.client';

export function produceScenario(config: BenchConfig): ScenarioPlan {
  const { events, capMs, concurrencies, batchSize, inFlight } = config.produce;
  const confluent = secondClientVersion() !== undefined;
  const freshTopic = (id: string) => async (context: RunContext, round: number) => ({
    topic: await context.topics.create(context.topics.name('produce', id, `r${round}`)),
    events,
    capMs,
  });
  const perEvent = (family: 'kafkajs' | 'nest' | 'library', kind: WorkloadKind, api: string) =>
    concurrencies.map((c) => {
      const id = `${family}.${kind.split('.')[1]}.c${c}`;
      return nodeSystem(
        'produce',
        id,
        family,
        `${api} × ${count(c)} caller${c === 1 ? '' : 's'}`,
        kind,
        async (context, round) => ({ ...(await freshTopic(id)(context, round)), concurrency: c }),
        family === 'library' && c === Math.max(...concurrencies),
      );
    });
  const batches = `${count(batchSize)} × ${inFlight} in flight`;
  /** A raw client's hand-batched produce, with the library's headers and without. */
  const rawBatched = (family: 'kafkajs' | 'confluent', kind: WorkloadKind, api: string) =>
    [true, false].map((headers) => {
      const id = `${family}.sendBatch${headers ? '' : '.headerless'}`;
      return nodeSystem(
        'produce',
        id,
        family,
        `${api} of ${batches}${headers ? '' : ', no headers'}`,
        kind,
        async (context, round) => ({
          ...(await freshTopic(id)(context, round)),
          batchSize,
          inFlight,
          headers,
        }),
      );
    });
  const library = (client: BenchClient, kind: 'library.send' | 'library.sendBatch'): SystemPlan => {
    const c = Math.max(...concurrencies);
    const batched = kind === 'library.sendBatch';
    const id = `${batched ? 'library.sendBatch' : `library.send.c${c}`}.${client}`;
    const api = batched ? `sendBatch() of ${batches}` : `send() × ${count(c)} callers`;
    return nodeSystem(
      'produce',
      id,
      client === 'kafkajs' ? 'library' : 'libraryConfluent',
      `library ${api}, ${client}`,
      kind,
      async (context, round) => ({
        ...(await freshTopic(id)(context, round)),
        client,
        ...(batched ? { batchSize, inFlight } : { concurrency: c }),
      }),
      batched,
    );
  };
  const javaProducer: SystemPlan = {
    id: 'java.producer',
    family: 'java',
    label: 'Java ProducerPerformance, no headers',
    async run(context, { round }) {
      const topic = await context.topics.create(context.topics.name('produce', 'java', `r${round}`));
      return context.java.producerPerformance(context.brokers, topic, events, config.recordBytes);
    },
  };
  return {
    id: 'produce',
    title: 'Produce',
    description:
      `${count(events)} events of ~${config.recordBytes} B JSON per run (or ${capMs / 1000} s, whichever ` +
      `comes first) into a fresh ${config.partitions}-partition topic, acks=all, distinct keys; ` +
      `the callers each await their send before the next. Batched APIs (raw kafkajs and confluent, the ` +
      `library's sendBatch): ${count(batchSize)} events per call, ${inFlight} calls in flight, idempotent ` +
      `producers. Every record carries the library's five headers, except where a row says "no headers" ` +
      `(Java's ProducerPerformance cannot send headers).`,
    prepare: async () => undefined,
    systems: [
      ...perEvent('kafkajs', 'kafkajs.send', 'kafkajs producer.send()'),
      ...rawBatched('kafkajs', 'kafkajs.sendBatch', 'kafkajs producer.sendBatch()'),
      ...(confluent ? rawBatched('confluent', 'confluent.send', 'confluent producer.send()') : []),
      ...perEvent('nest', 'nest.emit', 'Nest ClientKafka.emit()'),
      ...perEvent('library', 'library.send', 'library KafkaProducerService.send()'),
      library('kafkajs', 'library.sendBatch'),
      ...(confluent ? [library('confluent', 'library.send'), library('confluent', 'library.sendBatch')] : []),
      javaProducer,
    ],
  };
}
