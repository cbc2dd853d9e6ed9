import { BenchConfig } from './bench.config';
import { BenchEvents, benchKey, benchPayload } from './event.payload';
import { count, librarySystem, nodeSystem, prefilledTopic, ScenarioPlan, SystemPlan } from './scenario.plan';
import { secondClientVersion } from './second.client';

export function consumeScenario(config: BenchConfig): ScenarioPlan {
  const { events, capMs } = config.consume;
  const confluent = secondClientVersion() !== undefined;
  const source = prefilledTopic('consume', events, () => BenchEvents.consumed);
  // The same bodies and keys without headers, for the raw clients' headerless variant.
  const bare = prefilledTopic('consume-headerless', events, undefined, (seq) => ({
    key: benchKey(seq),
    value: JSON.stringify(benchPayload(BenchEvents.consumed, seq, config.recordBytes)),
  }));
  const fromSource = async () => ({ topic: source.topic, events, capMs });
  const fromBare = async () => ({ topic: bare.topic, events, capMs });
  const javaConsumer: SystemPlan = {
    id: 'java.consumer',
    family: 'java',
    label: 'Java ConsumerPerformance',
    async run(context, { round }) {
      const group = context.topics.name('consume', 'java', `r${round}`);
      return context.java.consumerPerformance(context.brokers, source.topic, events, group);
    },
  };
  const rawBatch = (family: 'kafkajs' | 'confluent') => [
    nodeSystem(
      'consume',
      `${family}.eachBatch`,
      family,
      `${family} eachBatch`,
      `${family}.eachBatch`,
      fromSource,
    ),
    nodeSystem(
      'consume',
      `${family}.eachBatch.headerless`,
      family,
      `${family} eachBatch, no headers`,
      `${family}.eachBatch`,
      fromBare,
    ),
  ];
  return {
    id: 'consume',
    title: 'Consume',
    description:
      `A topic pre-filled with ${count(events)} events (${config.partitions} partitions, the library's headers ` +
      `and JSON body; "no headers" rows read a second topic with the same keys and bodies and no headers); ` +
      `each run is a new consumer group reading from the beginning until a trivial handler has seen all (or ` +
      `${capMs / 1000} s passed). Throughput counts from the first event handled.`,
    prepare: async (context, log) => {
      await source.prepare(context, log);
      await bare.prepare(context, log);
    },
    systems: [
      nodeSystem(
        'consume',
        'kafkajs.eachMessage',
        'kafkajs',
        'kafkajs eachMessage',
        'kafkajs.eachMessage',
        fromSource,
      ),
      ...rawBatch('kafkajs'),
      ...(confluent ? rawBatch('confluent') : []),
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
        'library @EventHandler, kafkajs',
        'trivial',
        source,
        { events, capMs },
        true,
      ),
      librarySystem(
        'consume',
        'library.eventHandler.intercepted',
        'library @EventHandler + 1 interceptor, kafkajs',
        'trivial-intercepted',
        source,
        { events, capMs },
      ),
      ...(confluent
        ? [
            librarySystem(
              'consume',
              'library.eventHandler.confluent',
              'library @EventHandler, confluent',
              'trivial',
              source,
              { events, capMs, client: 'confluent' },
              true,
            ),
          ]
        : []),
      javaConsumer,
    ],
  };
}
