import { INestApplicationContext, Injectable } from '@nestjs/common';
import { EventContext, EventHandler } from '../../src';
import { createTopic, testKafka, uniqueName, untilQuiet, waitFor } from '../support/kafka';
import { startTestApp, waitForGroups } from '../support/kafka-app';

const GROUP = uniqueName('rebalance');
const PARTITIONS = 2;
const PER_PARTITION = 10;
/** The first member holds the record at this offset of each partition until the test releases it. */
const HELD_AT = 5;
/** kafkajs' default rebalanceTimeout: how long the group waits for a member to rejoin. */
const KAFKAJS_REBALANCE_TIMEOUT_MS = 60_000;

const handledBy = { first: [] as string[], second: [] as string[] };
const held: string[] = [];
let release!: () => void;
const released = new Promise<void>((resolve) => (release = resolve));
const at = (context: EventContext) => `${context.partition}:${context.offset}`;

@Injectable()
class FirstMember {
  @EventHandler({ eventName: 'shift.*', groupId: GROUP, fromBeginning: true })
  async onShift(_event: unknown, context: EventContext): Promise<void> {
    if (Number(context.offset) === HELD_AT) {
      held.push(at(context));
      await released;
    }
    handledBy.first.push(at(context));
  }
}

@Injectable()
class SecondMember {
  @EventHandler({ eventName: 'shift.*', groupId: GROUP, fromBeginning: true })
  onShift(_event: unknown, context: EventContext): void {
    handledBy.second.push(at(context));
  }
}

/**
 * docs/reliability.md: "A rebalance commits resolved offsets before partitions move; the record in flight on a
 * revoked partition is given back uncommitted and handled again by its new owner." Two members of one group,
 * on kafkajs (pinned, with the classic protocol it speaks). On the confluent client a handler that holds its
 * record holds the revocation too, and the partition did not move within 75 s (docs/reliability.md): not tested
 * here until that is settled.
 */
describe('a rebalance between two members of one group (kafkajs)', () => {
  const apps: INestApplicationContext[] = [];
  afterAll(async () => {
    release();
    await Promise.all(apps.map((app) => app.close()));
  });

  it(
    'hands a moved partition over from its committed offset, the record in flight included',
    async () => {
      const topic = uniqueName('shift');
      await createTopic(testKafka(), topic, PARTITIONS);
      const member = (providers: (typeof FirstMember | typeof SecondMember)[]) =>
        startTestApp({
          providers,
          // Both partitions at once, so the first member holds a record on each when the second joins.
          kafka: {
            client: 'kafkajs',
            groupProtocol: 'classic',
            topics: { shift: topic },
            consumer: { concurrency: PARTITIONS },
          },
        });
      const first = await member([FirstMember]);
      apps.push(first);
      await waitForGroups(first);

      const producer = testKafka().producer();
      await producer.connect();
      await producer.send({
        topic,
        messages: Array.from({ length: PARTITIONS * PER_PARTITION }, (_, i) => ({
          partition: i % PARTITIONS,
          value: JSON.stringify({ n: i }),
          headers: { 'event-name': 'shift.planned' },
        })),
      });
      await producer.disconnect();
      await waitFor(() => held.length === PARTITIONS, 'the first member to hold a record on each partition');
      expect(handledBy.first.sort()).toEqual(
        Array.from({ length: PARTITIONS }, (_, p) => Array.from({ length: HELD_AT }, (_, o) => `${p}:${o}`))
          .flat()
          .sort(),
      );

      const second = await member([SecondMember]);
      apps.push(second);
      // The first member still holds its records: what the second handles was given back, not finished. kafkajs
      // rebalances eagerly and a member rejoins only between batches: one whose handler holds is removed from
      // the group after the rebalance timeout, and all its partitions move; the confluent client revokes only
      // the partitions that move, at once.
      await waitFor(
        () => handledBy.second.length > 0,
        'the second member to handle a moved partition',
        KAFKAJS_REBALANCE_TIMEOUT_MS + 15_000,
      );
      const seen = await untilQuiet(() => handledBy.second, {
        expected: PER_PARTITION - HELD_AT,
        quietMs: 2000,
        what: 'the moved partitions',
      });
      const moved = [...new Set(seen.map((p) => Number(p.split(':')[0])))];
      // Each moved partition from its committed offset: none of the records handled before the rebalance, the
      // one in flight first, then the rest in order, once.
      for (const partition of moved) {
        expect(seen.filter((p) => p.startsWith(`${partition}:`))).toEqual(
          Array.from({ length: PER_PARTITION - HELD_AT }, (_, o) => `${partition}:${HELD_AT + o}`),
        );
        expect(held).toContain(`${partition}:${HELD_AT}`);
      }
    },
    KAFKAJS_REBALANCE_TIMEOUT_MS + 60_000,
  );
});
