import { INestApplicationContext, Injectable } from '@nestjs/common';
import { EventContext, EventHandler, KafkaProducerService } from '../../src';
import { committedOffset, testKafka, uniqueName, waitFor } from '../support/kafka';
import { startTestApp, waitForGroups } from '../support/kafka-app';

const seen: string[] = [];
const gates = new Map<string, () => void>();

@Injectable()
class VisitHandlers {
  static readonly groupId = uniqueName('visits');

  @EventHandler({
    eventName: 'visit.*',
    groupId: VisitHandlers.groupId,
    fromBeginning: true,
    autoCommit: false,
  })
  async onVisit(event: { visitId: string; hold?: boolean }, _context: EventContext): Promise<void> {
    if (event.hold) await new Promise<void>((release) => gates.set(event.visitId, release));
    seen.push(event.visitId);
  }
}

@Injectable()
class JobHandlers {
  static readonly groupId = uniqueName('jobs');
  static seen: string[] = [];

  @EventHandler({ eventName: 'job.*', groupId: JobHandlers.groupId, fromBeginning: true })
  async onJob(event: { jobId: string }): Promise<void> {
    JobHandlers.seen.push(event.jobId);
  }
}

describe('offsets', () => {
  const visitTopic = uniqueName('visits');
  const jobTopic = uniqueName('jobs');
  const kafka = (dlq: string) => ({
    topics: { visit: visitTopic, job: jobTopic },
    dlqTopic: dlq,
    createTopics: { numPartitions: 1 },
  });

  describe('with autoCommit: false', () => {
    let app: INestApplicationContext;

    beforeAll(async () => {
      app = await startTestApp({ providers: [VisitHandlers], kafka: kafka(uniqueName('dlq')) });
      await waitForGroups(app);
    });

    afterAll(async () => {
      for (const release of gates.values()) release();
      await app?.close();
    });

    it('commits a record only once its handler finished, and right after it', async () => {
      const producer = app.get(KafkaProducerService);
      await producer.send('visit.scheduled', { visitId: 'v-1' });
      await waitFor(
        async () => (await committedOffset(VisitHandlers.groupId, visitTopic)) === 1,
        'offset 1 committed',
      );

      await producer.send('visit.scheduled', { visitId: 'v-2', hold: true });
      await waitFor(() => gates.has('v-2'), 'the handler to start on v-2');
      // While the handler works, the committed offset stays before its record.
      expect(await committedOffset(VisitHandlers.groupId, visitTopic)).toBe(1);
      expect(seen).toEqual(['v-1']);

      gates.get('v-2')!();
      await waitFor(
        async () => (await committedOffset(VisitHandlers.groupId, visitTopic)) === 2,
        'offset 2 committed',
      );
      expect(seen).toEqual(['v-1', 'v-2']);
    });
  });

  describe('across a restart of the app', () => {
    it('misses no event and handles none twice (counted by event id)', async () => {
      const dlq = uniqueName('dlq');
      let app = await startTestApp({ providers: [JobHandlers], kafka: kafka(dlq) });
      await waitForGroups(app);
      const ids = Array.from({ length: 600 }, (_, i) => `job-${i}`);

      // Produce in the background while the app is stopped and started again.
      const producer = testKafka().producer({ idempotent: true });
      await producer.connect();
      let sent = 0;
      const producing = (async () => {
        for (; sent < ids.length; sent += 20) {
          await producer.send({
            topic: jobTopic,
            acks: -1,
            messages: ids.slice(sent, sent + 20).map((jobId) => ({
              key: jobId,
              value: JSON.stringify({ jobId }),
              headers: { 'event-name': 'job.completed' },
            })),
          });
        }
      })();

      await waitFor(() => JobHandlers.seen.length >= 150, 'a quarter of the stream handled');
      await app.close();
      const beforeRestart = JobHandlers.seen.length;
      app = await startTestApp({ providers: [JobHandlers], kafka: kafka(dlq) });
      try {
        await producing;
        await waitFor(() => new Set(JobHandlers.seen).size === ids.length, 'every job handled', 60_000);
      } finally {
        await producer.disconnect();
        await app.close();
      }

      const counts = new Map<string, number>();
      for (const id of JobHandlers.seen) counts.set(id, (counts.get(id) ?? 0) + 1);
      const missed = ids.filter((id) => !counts.has(id));
      const duplicated = [...counts].filter(([, n]) => n > 1).map(([id]) => id);
      expect(beforeRestart).toBeLessThan(ids.length);
      expect(missed).toEqual([]);
      // A graceful close commits what it handled: nothing before the restart comes back.
      expect(duplicated).toEqual([]);
    });
  });
});
