import { BenchConfig } from './bench.config';
import { BenchEvents } from './event.payload';
import { ioConcurrentDescription } from './library.options';
import { count, librarySystem, prefilledTopic, ScenarioPlan } from './scenario.plan';

export function ioScenario(config: BenchConfig): ScenarioPlan {
  const { events, capMs, handlerDelayMs } = config.io;
  const source = prefilledTopic('io', events, () => BenchEvents.io);
  const limits = { events, capMs, handlerDelayMs };
  return {
    id: 'io',
    title: 'I/O-bound handler',
    description:
      `${count(events)} events with distinct keys on ${config.partitions} partitions; the handler awaits ` +
      `${handlerDelayMs} ms. "One at a time" is the library's default; "concurrent" is the most concurrency ` +
      `the bench knows how to ask of the library (bench/library.options.ts): ${ioConcurrentDescription()}.`,
    prepare: (context, log) => source.prepare(context, log),
    systems: [
      librarySystem('io', 'library.sequential', 'library, one at a time', 'io-sequential', source, limits),
      librarySystem('io', 'library.concurrent', 'library, concurrent', 'io-concurrent', source, limits),
    ],
  };
}
