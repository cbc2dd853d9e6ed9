import { BenchConfig } from './bench.config';
import { WorkloadKind } from './bench.types';
import { count, nodeSystem, RunContext, ScenarioPlan, SystemPlan } from './scenario.plan';

export function produceScenario(config: BenchConfig): ScenarioPlan {
  const { events, capMs, concurrencies, batchSize } = config.produce;
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
  const javaProducer: SystemPlan = {
    id: 'java.producer',
    family: 'java',
    label: 'Java ProducerPerformance',
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
      `the callers each await their send before the next. sendBatch: ${count(batchSize)} events per call.`,
    prepare: async () => undefined,
    systems: [
      ...perEvent('kafkajs', 'kafkajs.send', 'kafkajs producer.send()'),
      nodeSystem(
        'produce',
        'kafkajs.sendBatch',
        'kafkajs',
        `kafkajs producer.sendBatch() of ${count(batchSize)}`,
        'kafkajs.sendBatch',
        async (context, round) => ({ ...(await freshTopic('kafkajs.sendBatch')(context, round)), batchSize }),
      ),
      ...perEvent('nest', 'nest.emit', 'Nest ClientKafka.emit()'),
      ...perEvent('library', 'library.send', 'library KafkaProducerService.send()'),
      javaProducer,
    ],
  };
}
