import { INestApplicationContext, Injectable } from '@nestjs/common';
import { HealthIndicatorResult } from '@nestjs/terminus';
import {
  DeadLetterHeaders,
  EventHandler,
  KafkaConsumerService,
  KafkaHealthIndicator,
  KafkaProducerService,
  UnknownConsumerGroupError,
} from '../../src';
import { committedOffset, createTopic, testKafka, uniqueName, untilQuiet, waitFor } from '../support/kafka';
import { header, readUntilQuiet, startTestApp, waitForGroups } from '../support/kafka-app';

const seen: Record<string, string[]> = { paused: [], witness: [], failing: [] };

@Injectable()
class PermitHandlers {
  static readonly pausedGroup = uniqueName('permits-paused');
  static readonly witnessGroup = uniqueName('permits-witness');

  @EventHandler({ eventName: 'permit.*', groupId: PermitHandlers.pausedGroup, fromBeginning: true })
  paused(event: { permitId: string }) {
    seen.paused.push(event.permitId);
  }

  @EventHandler({ eventName: 'permit.*', groupId: PermitHandlers.witnessGroup, fromBeginning: true })
  witness(event: { permitId: string }) {
    seen.witness.push(event.permitId);
  }
}

@Injectable()
class FailingHandlers {
  static readonly groupId = uniqueName('inspections');

  @EventHandler({ eventName: 'inspection.*', groupId: FailingHandlers.groupId, fromBeginning: true })
  fail(event: { inspectionId: string }) {
    seen.failing.push(event.inspectionId);
    throw new Error(`inspection ${event.inspectionId} rejected`);
  }
}

describe('KafkaConsumerService', () => {
  let app: INestApplicationContext;

  beforeAll(async () => {
    app = await startTestApp({
      providers: [PermitHandlers],
      kafka: { topics: { permit: uniqueName('permits') }, dlqTopic: uniqueName('dlq') },
    });
    await waitForGroups(app);
  });

  afterAll(async () => {
    await app?.close();
  });

  it('lists each group with its handlers, topics and state', () => {
    const groups = app.get(KafkaConsumerService).list();
    expect(groups.map((g) => [g.groupId, g.state, g.handlers.map((h) => h.id)])).toEqual([
      [PermitHandlers.pausedGroup, 'running', ['PermitHandlers.paused']],
      [PermitHandlers.witnessGroup, 'running', ['PermitHandlers.witness']],
    ]);
  });

  it('pauses one group while another group on the same topic goes on, and resumes it where it stopped', async () => {
    const consumers = app.get(KafkaConsumerService);
    const producer = app.get(KafkaProducerService);
    // One key, so one partition: the marker sits behind the event for both groups.
    const before = seen.paused.length;
    consumers.pause(PermitHandlers.pausedGroup);
    expect(consumers.get(PermitHandlers.pausedGroup)!.state).toBe('paused');
    await producer.send('permit.issued', { permitId: 'p-1' }, { key: 'permit' });
    await producer.send('permit.marker', { permitId: 'marker-1' }, { key: 'permit' });
    // The witness group handled the event and the marker behind it, so both were there to fetch: a group that
    // was not paused would have had them too. No clock involved: the marker is the proof.
    await waitFor(
      () => seen.witness.includes('p-1') && seen.witness.includes('marker-1'),
      'the unpaused group to handle p-1 and the marker after it',
    );
    expect(seen.paused.slice(before)).toEqual([]);
    expect(consumers.get(PermitHandlers.pausedGroup)!.state).toBe('paused');

    consumers.resume(PermitHandlers.pausedGroup);
    const resumed = await untilQuiet(() => seen.paused.slice(before), {
      expected: 2,
      what: 'the resumed group to handle p-1 and the marker',
    });
    // Where it stopped: both records, once each, in order.
    expect(resumed).toEqual(['p-1', 'marker-1']);
  });

  it('stops and starts a group by id, and names the known groups for an unknown one', async () => {
    const consumers = app.get(KafkaConsumerService);
    await consumers.stop(PermitHandlers.pausedGroup);
    expect(consumers.get(PermitHandlers.pausedGroup)!.state).toBe('stopped');
    await consumers.start(PermitHandlers.pausedGroup);
    await waitForGroups(app);
    await expect(consumers.start('nope')).rejects.toThrow(UnknownConsumerGroupError);
    await expect(consumers.start('nope')).rejects.toThrow(PermitHandlers.witnessGroup);
  });
});

describe('a dead-letter topic that does not exist (createTopics off)', () => {
  let app: INestApplicationContext;
  const inspectionTopic = uniqueName('inspections');
  const dlqTopic = uniqueName('dlq-missing');

  beforeAll(async () => {
    await createTopic(testKafka(), inspectionTopic, 1);
    app = await startTestApp({
      providers: [FailingHandlers],
      kafka: {
        topics: { inspection: inspectionTopic },
        dlqTopic,
        createTopics: false,
        retry: { attempts: 1 },
        producer: { retries: 1, maxRetryTimeMs: 1000 },
      },
    });
    await waitForGroups(app);
  });

  afterAll(async () => {
    await app?.close();
  });

  it('names the missing topic in health, keeps the failed record uncommitted, and parks it once the topic exists', async () => {
    const health = app.get(KafkaHealthIndicator);
    const before = (await health.isHealthy('kafka')) as HealthIndicatorResult;
    expect(before.kafka.status).toBe('down');
    expect(before.kafka.missingTopics).toEqual([dlqTopic]);

    await app.get(KafkaProducerService).send('inspection.failed', { inspectionId: 'i-1' });
    await waitFor(() => seen.failing.includes('i-1'), 'the handler to fail on i-1');
    await waitFor(
      async () => JSON.stringify((await health.isConsumerHealthy('kafka')).kafka).includes('deadLetter'),
      'health to report the dead-letter topic unavailable',
    );
    expect(await committedOffset(FailingHandlers.groupId, inspectionTopic)).toBe(0);

    await createTopic(testKafka(), dlqTopic, 1);
    const dlq = await readUntilQuiet(dlqTopic, { expected: 1 });
    expect(dlq.map((m) => header(m, DeadLetterHeaders.ORIGINAL_OFFSET))).toEqual(['0']);
    const [parked] = dlq;
    expect(header(parked, DeadLetterHeaders.ERROR_MESSAGE)).toBe('inspection i-1 rejected');
    await waitFor(
      async () => (await committedOffset(FailingHandlers.groupId, inspectionTopic)) === 1,
      'offset committed',
    );
    // Handled once: the DLQ write was retried, not the handler.
    expect(seen.failing).toEqual(['i-1']);
  });
});
