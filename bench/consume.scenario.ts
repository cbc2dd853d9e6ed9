import { BenchConfig } from './bench.config';
import { BenchEvents } from './event.payload';
import { count, librarySystem, nodeSystem, prefilledTopic, ScenarioPlan, SystemPlan } from './scenario.plan';

export function consumeScenario(config: BenchConfig): ScenarioPlan {
  const { events, capMs } = config.consume;
  const source = prefilledTopic('consume', events, () => BenchEvents.consumed);
  const fromSource = async () => ({ topic: source.topic, events, capMs });
  const javaConsumer: SystemPlan = {
    id: 'java.consumer',
    family: 'java',
    label: 'Java ConsumerPerformance',
    async run(context, { round }) {
      const group = context.topics.name('consume', 'java', `r${round}`);
      return context.java.consumerPerformance(context.brokers, source.topic, events, group);
    },
  };
  return {
    id: 'consume',
    title: 'Consume',
    description:
      `A topic pre-filled with ${count(events)} events (${config.partitions} partitions, the library's headers ` +
      `and JSON body); each run is a new consumer group reading from the beginning until a trivial handler ` +
      `has seen all (or ${capMs / 1000} s passed). Throughput counts from the first event handled.`,
    prepare: (context, log) => source.prepare(context, log),
    systems: [
      nodeSystem(
        'consume',
        'kafkajs.eachMessage',
        'kafkajs',
        'kafkajs eachMessage',
        'kafkajs.eachMessage',
        fromSource,
      ),
      nodeSystem(
        'consume',
        'kafkajs.eachBatch',
        'kafkajs',
        'kafkajs eachBatch',
        'kafkajs.eachBatch',
        fromSource,
      ),
      nodeSystem(
        'consume',
        'nest.eventPattern',
        'nest',
        'Nest @EventPattern',
        'nest.eventPattern',
        fromSource,
      ),
      librarySystem(
        'consume',
        'library.eventHandler',
        'library @EventHandler',
        'trivial',
        source,
        { events, capMs },
        true,
      ),
      javaConsumer,
    ],
  };
}
