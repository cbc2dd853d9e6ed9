import { BenchConfig } from './bench.config';
import { routingEventName } from './event.payload';
import { count, librarySystem, prefilledTopic, ScenarioPlan } from './scenario.plan';

export function routingScenario(config: BenchConfig): ScenarioPlan {
  const { events, capMs } = config.routing;
  const source = prefilledTopic('routing', events, routingEventName);
  return {
    id: 'routing',
    title: 'Fan-out routing',
    description:
      `${count(events)} events named \`routing.e<k>.created\` and \`routing.w<k>.item.updated\` (k < 25). One ` +
      `group with 50 handlers (25 exact names, 25 wildcards \`routing.w<k>.*\`; each event matches exactly one) ` +
      `against one group with a single \`routing.*\` handler.`,
    prepare: (context, log) => source.prepare(context, log),
    systems: [
      librarySystem('routing', 'library.handlers1', 'library, 1 handler', 'routing-1', source, {
        events,
        capMs,
      }),
      librarySystem(
        'routing',
        'library.handlers50',
        'library, 50 handlers',
        'routing-50',
        source,
        { events, capMs },
        true,
      ),
    ],
  };
}
