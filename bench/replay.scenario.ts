import { Message } from 'kafkajs';
import { redeliveryTopic } from '../src/config/redelivery-topic';
import { buildDeadLetterHeaders } from '../src/dead-letter/dead-letter.headers';
import { BenchConfig } from './bench.config';
import { BenchEvents, libraryShapedRecord } from './event.payload';
import { count, nodeSystem, RunContext, ScenarioPlan } from './scenario.plan';

/** The group and handler every parked record names: the route a replay sends it along. */
const PARKED_BY = { group: 'bench-replay-group', handler: 'OrderHandlers.onCreated' };

/**
 * A dead-letter record as the library parks it (dead-letter.publisher.ts): the original key, value and five
 * headers, plus the dlq-* headers of a handler error (built by the library's own function; no stack).
 */
function parkedRecord(seq: number, source: string, recordBytes: number): Message {
  const original = libraryShapedRecord(BenchEvents.consumed, seq, recordBytes);
  const headers = original.headers as Record<string, string>;
  const added = buildDeadLetterHeaders(
    {
      topic: source,
      partition: seq % 6,
      offset: String(seq),
      timestamp: String(Date.now()),
      reason: 'handler-error',
      error: new Error('order service unavailable'),
      failedAt: new Date(),
      groupId: PARKED_BY.group,
      handler: PARKED_BY.handler,
      eventName: BenchEvents.consumed,
      correlationId: headers['correlation-id'],
      attempts: 3,
    },
    { includeStack: false, maxStackBytes: 0, budgetBytes: 1_000_000 },
  );
  return { ...original, headers: { ...headers, ...added } };
}

/**
 * Issue 12: throughput of a replay. Each run gets a fresh DLQ topic holding `records` parked records (written
 * before the worker starts, unmeasured) and the topic they go to: the group's redelivery topic for the library,
 * a copy topic for raw kafkajs.
 */
export function replayScenario(config: BenchConfig): ScenarioPlan {
  const { records, capMs } = config.replay;
  const parked = async (context: RunContext, id: string, round: number) => {
    const dlq = await context.topics.create(context.topics.name('replay', id, `r${round}`, 'dlq'));
    await context.topics.prefill(dlq, records, (seq) =>
      parkedRecord(seq, 'bench.orders', config.recordBytes),
    );
    return dlq;
  };
  return {
    id: 'replay',
    title: 'Replay from the dead-letter topic',
    description:
      `${count(records)} parked records (the library's DLQ record: key, ~${config.recordBytes} B JSON body, ` +
      `the five event headers and the dlq-* headers of a handler error) in a fresh ${config.partitions}-partition ` +
      `DLQ topic per run, all parked by one group. The library: \`DeadLetterService.replay({ group })\`, from the ` +
      `call until it returns (every record written to the group's redelivery topic and its progress committed). ` +
      `Raw kafkajs: a consumer in a fresh group reads the DLQ to the end offsets taken at its start and writes ` +
      `each batch to another topic with one idempotent acks=all send before resolving its offsets, from its ` +
      `start to the last record written. Both windows include their reader's group join.`,
    prepare: async () => undefined,
    systems: [
      nodeSystem(
        'replay',
        'kafkajs.replayCopy',
        'kafkajs',
        'raw kafkajs copy (eachBatch → send)',
        'kafkajs.replayCopy',
        async (context, round) => {
          const topic = await parked(context, 'kafkajs', round);
          const copyTopic = await context.topics.create(`${topic}.copy`);
          return { topic, copyTopic, events: records, capMs };
        },
      ),
      nodeSystem(
        'replay',
        'library.replay',
        'library',
        'library DeadLetterService.replay()',
        'library.replay',
        async (context, round) => {
          const topic = await parked(context, 'library', round);
          await context.topics.create(redeliveryTopic(topic, PARKED_BY.group));
          return { topic, replayGroup: PARKED_BY.group, events: records, capMs };
        },
        true,
      ),
    ],
  };
}
