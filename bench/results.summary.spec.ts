import { ScenarioSummary, SystemSummary } from './bench.types';
import { goalsOf, ratiosOf } from './results.summary';

/** A system whose medians are the given figures (min and max equal to them). */
function system(id: string, eventsPerSec?: number, p99Ms?: number): SystemSummary {
  const spread = (v?: number) => (v === undefined ? undefined : { median: v, min: v, max: v });
  return {
    id,
    family: 'library',
    label: id,
    runs: [],
    eventsPerSec: spread(eventsPerSec),
    p99Ms: spread(p99Ms),
    cappedRuns: 0,
    failedRuns: 0,
  };
}

function scenario(id: ScenarioSummary['id'], systems: SystemSummary[]): ScenarioSummary {
  return { id, title: id, description: '', systems };
}

const withSecondClient: ScenarioSummary[] = [
  scenario('produce', [
    system('kafkajs.sendBatch', 40_000),
    system('confluent.sendBatch', 60_000),
    system('library.send.c1000', 30_000),
    system('library.send.c1000.confluent', 48_000),
    // sendBatch rows are figures of the report, not of these ratios.
    system('library.sendBatch.confluent', 90_000),
  ]),
  scenario('consume', [
    system('confluent.eachBatch', 50_000),
    system('library.eventHandler.confluent', 45_000),
  ]),
  scenario('e2e', [system('kafkajs.e2e', 1000, 20), system('library.e2e', 1000, 25)]),
  scenario('replay', [system('kafkajs.replayCopy', 10_000), system('library.replay', 15_000)]),
];

describe('ratiosOf (issues 12 and 15)', () => {
  it('compares the library send() × 1,000 callers on the faster client with raw kafkajs sendBatch', () => {
    // confluent's 48,000 beats kafkajs' 30,000: 48,000 / 40,000.
    expect(ratiosOf(withSecondClient).produceVsKafkajsSendBatch).toBe(1.2);
  });

  it('sets the library on the second client against that client used raw', () => {
    const ratios = ratiosOf(withSecondClient);
    expect(ratios.secondClient).toBe('@confluentinc/kafka-javascript');
    expect(ratios.produceVsSecondClientRaw).toBe(0.8);
    expect(ratios.consumeVsSecondClientRaw).toBe(0.9);
  });

  it('divides the library e2e p99 by raw kafkajs p99 and the replay rate by the raw copy', () => {
    const ratios = ratiosOf(withSecondClient);
    expect(ratios.e2eP99VsKafkajs).toBe(1.25);
    expect(ratios.replayVsKafkajsCopy).toBe(1.5);
  });

  it('leaves the second client and its ratios null when it was not measured, and its goals unmeasured', () => {
    const without = [
      scenario('produce', [system('kafkajs.sendBatch', 40_000), system('library.send.c1000', 30_000)]),
    ];
    const ratios = ratiosOf(without);
    expect(ratios).toMatchObject({
      secondClient: null,
      produceVsSecondClientRaw: null,
      consumeVsSecondClientRaw: null,
      produceVsKafkajsSendBatch: 0.75,
    });
    const goal = goalsOf(ratios).find((g) => g.ratio === 'produceVsSecondClientRaw');
    expect(goal).toMatchObject({ value: null, pass: null });
  });
});
