import { INestApplicationContext, Injectable } from '@nestjs/common';
import {
  ConsumerLagService,
  EventHandler,
  KafkaConsumerService,
  KafkaHealthIndicator,
  KafkaProducerService,
  UnknownConsumerGroupError,
} from '../../src';
import { uniqueName, untilQuiet, waitFor } from '../support/kafka';
import { startTestApp, waitForGroups } from '../support/kafka-app';
import { describeGroupWithKafkaTool } from '../support/kafka-tools';

const handled: string[] = [];

@Injectable()
class ParcelHandlers {
  static readonly groupId = uniqueName('parcels');

  @EventHandler({ eventName: 'parcel.*', groupId: ParcelHandlers.groupId, fromBeginning: true })
  onParcel(event: { parcelId: string }) {
    handled.push(event.parcelId);
  }
}

describe('consumer lag', () => {
  const topic = uniqueName('parcels');
  const groupId = ParcelHandlers.groupId;
  const backlog = 10;
  let app: INestApplicationContext;

  beforeAll(async () => {
    app = await startTestApp({
      providers: [ParcelHandlers],
      kafka: { topics: { parcel: topic }, dlqTopic: uniqueName('dlq'), createTopics: { numPartitions: 3 } },
    });
    await waitForGroups(app);
    // One record per partition, handled and committed: every partition has a committed offset, so Kafka's tool
    // prints a number for each (it prints "-" where a group has none).
    const producer = app.get(KafkaProducerService);
    for (const partition of [0, 1, 2]) {
      await producer.send('parcel.registered', { parcelId: `warm-${partition}` }, { partition });
    }
    const lag = app.get(ConsumerLagService);
    await waitFor(async () => {
      const rows = await lag.lag(groupId);
      return rows.length === 3 && rows.every((r) => r.committedOffset === '1' && r.lag === 0);
    }, 'the warm-up records to be handled and committed on all three partitions');
  });

  afterAll(async () => {
    await app?.close();
  });

  it('equals what kafka-consumer-groups --describe prints, per partition, with records waiting behind a paused group', async () => {
    const consumers = app.get(KafkaConsumerService);
    const producer = app.get(KafkaProducerService);
    consumers.pause(groupId);
    const sent = await Promise.all(
      Array.from({ length: backlog }, (_, i) =>
        producer.send('parcel.registered', { parcelId: `p-${i}` }, { key: `parcel-${i}` }),
      ),
    );
    const waiting = [0, 1, 2].map((p) => sent.filter((s) => s.partition === p).length);

    const library = await app.get(ConsumerLagService).lag(groupId);
    // The tool also lists the group's DLQ redelivery topic (the replay route, on by default), which the library's
    // lag leaves out (docs/metrics.md, Lag): the rows of the handler's topic are compared.
    const kafka = (await describeGroupWithKafkaTool(groupId)).filter((row) => row.topic === topic);

    expect(
      library.map((r) => ({
        topic: r.topic,
        partition: r.partition,
        currentOffset: r.committedOffset,
        logEndOffset: r.highWatermark,
        lag: r.lag,
      })),
    ).toEqual(kafka);
    // And both say what was sent: each partition's backlog, behind the one committed warm-up record.
    expect(library.map((r) => r.lag)).toEqual(waiting);
    expect(library.map((r) => r.committedOffset)).toEqual(['1', '1', '1']);
    expect(waiting.reduce((a, b) => a + b, 0)).toBe(backlog);
  });

  it('health: down above the threshold while paused, up again once the group resumed and caught up', async () => {
    const health = app.get(KafkaHealthIndicator);
    const consumers = app.get(KafkaConsumerService);
    expect(consumers.get(groupId)!.state).toBe('paused');

    const started = Date.now();
    const down = await health.isLagBelow('kafka-lag', backlog - 1, { groupId });
    const tookMs = Date.now() - started;
    expect(down['kafka-lag']).toMatchObject({
      status: 'down',
      maxLag: backlog - 1,
      groups: { [groupId]: { lag: backlog } },
    });
    // Within the health bound (healthCheckTimeout, 800 ms by default), under a probe's 1 s.
    expect(tookMs).toBeLessThan(1000);
    // The threshold is the most lag that is still up.
    expect((await health.isLagBelow('kafka-lag', backlog))['kafka-lag'].status).toBe('up');

    consumers.resume(groupId);
    await waitFor(
      async () => (await health.isLagBelow('kafka-lag', 0, { groupId }))['kafka-lag'].status === 'up',
      'the resumed group to catch up (lag 0)',
    );
    const all = await untilQuiet(() => handled, { expected: 3 + backlog, what: 'every parcel handled' });
    expect(all).toHaveLength(3 + backlog);
  });

  it('names the known groups when asked for one no handler declares', async () => {
    await expect(app.get(ConsumerLagService).lag('nope')).rejects.toThrow(UnknownConsumerGroupError);
    await expect(
      app.get(KafkaHealthIndicator).isLagBelow('kafka-lag', 1, { groupId: 'nope' }),
    ).rejects.toThrow(groupId);
  });
});
