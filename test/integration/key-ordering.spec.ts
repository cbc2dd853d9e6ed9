import { INestApplicationContext, Injectable } from '@nestjs/common';
import { EventContext, EventHandler, KafkaProducerService } from '../../src';
import { committedOffset, uniqueName, untilQuiet, waitFor } from '../support/kafka';
import { header, readUntilQuiet, startTestApp, waitForGroups } from '../support/kafka-app';

interface StepEvent {
  key: string;
  seq: number;
  /** How long the handler works on it, in ms. */
  workMs?: number;
  poison?: boolean;
  hold?: boolean;
}

const KEY_CONCURRENCY = 8;

/** Records what a key-ordered handler saw, in the order it started and finished them. */
class Observed {
  started: StepEvent[] = [];
  finished: StepEvent[] = [];
  offsets: string[] = [];
  finishedOffsets: number[] = [];
  inFlight = 0;
  maxInFlight = 0;
  readonly gates = new Map<string, () => void>();

  reset(): void {
    this.started = [];
    this.finished = [];
    this.offsets = [];
    this.finishedOffsets = [];
    this.inFlight = 0;
    this.maxInFlight = 0;
  }
}

const steps = new Observed();

@Injectable()
class StepHandlers {
  static groupId = uniqueName('steps');

  @EventHandler({
    eventName: 'step.*',
    groupId: StepHandlers.groupId,
    fromBeginning: true,
    keyConcurrency: KEY_CONCURRENCY,
    retry: false,
  })
  async onStep(event: StepEvent, context: EventContext): Promise<void> {
    steps.started.push(event);
    steps.offsets.push(context.offset);
    steps.maxInFlight = Math.max(steps.maxInFlight, ++steps.inFlight);
    try {
      if (event.hold) {
        await new Promise<void>((release) => steps.gates.set(`${event.key}:${event.seq}`, release));
      } else if (event.workMs) {
        await new Promise((resolve) => setTimeout(resolve, event.workMs));
      }
      if (event.poison) throw new Error(`poison ${event.key}:${event.seq}`);
      steps.finished.push(event);
      steps.finishedOffsets.push(Number(context.offset));
    } finally {
      steps.inFlight--;
    }
  }
}

function perKey(events: StepEvent[]): Map<string, number[]> {
  const byKey = new Map<string, number[]>();
  for (const e of events) byKey.set(e.key, [...(byKey.get(e.key) ?? []), e.seq]);
  return byKey;
}

describe('key-ordered concurrency (keyConcurrency)', () => {
  const topic = uniqueName('steps');
  const dlqTopic = uniqueName('dlq');
  let app: INestApplicationContext;

  const start = async () => {
    app = await startTestApp({
      providers: [StepHandlers],
      kafka: {
        topics: { step: topic },
        dlqTopic,
        // One partition: every record below competes inside it, which is what key ordering is about.
        createTopics: { numPartitions: 1 },
        shutdownTimeoutMs: 1000,
      },
    });
    await waitForGroups(app);
  };

  beforeAll(start);

  afterAll(async () => {
    for (const release of steps.gates.values()) release();
    await app?.close();
  });

  it('runs records of different keys at once and keeps each key in order, parking a failure without stopping its key', async () => {
    steps.reset();
    const keys = Array.from({ length: 20 }, (_, i) => `job-${i}`);
    const events: StepEvent[] = [];
    for (let seq = 0; seq < 15; seq++) {
      for (const [i, key] of keys.entries()) {
        // Uneven work, so records of different keys finish out of offset order.
        events.push({ key, seq, workMs: (seq * 7 + i * 3) % 11, poison: key === 'job-3' && seq === 4 });
      }
    }
    await app
      .get(KafkaProducerService)
      .sendBatch(
        events.map((payload) => ({ eventName: 'step.done', payload, options: { key: payload.key } })),
      );

    // Every record handled: all but the poison one finished, and nothing is still running.
    await waitFor(
      () => steps.finished.length >= events.length - 1 && steps.inFlight === 0,
      `${events.length} records handled (finished ${steps.finished.length})`,
      60_000,
    );
    // Each record started once: nothing more arrives once every record has been seen.
    const started = await untilQuiet(() => steps.started, {
      expected: events.length,
      what: 'records started',
    });
    expect(started).toHaveLength(events.length);
    // Each key's records started one after another, in the order they were sent.
    for (const [key, seqs] of perKey(steps.started)) {
      expect({ key, seqs }).toEqual({ key, seqs: [...Array(15).keys()] });
    }
    // And each finished before the next of its key started: the finished order per key is the same.
    for (const [key, seqs] of perKey(steps.finished)) {
      const expected = [...Array(15).keys()].filter((s) => !(key === 'job-3' && s === 4));
      expect({ key, seqs }).toEqual({ key, seqs: expected });
    }
    expect(steps.maxInFlight).toBeGreaterThan(1);
    expect(steps.maxInFlight).toBeLessThanOrEqual(KEY_CONCURRENCY);
    // Records of different keys overtook one another: they finished out of offset order.
    const finished = steps.finishedOffsets;
    expect(finished).not.toEqual([...finished].sort((a, b) => a - b));

    const parked = await readUntilQuiet(dlqTopic, { expected: 1 });
    expect(parked.map((m) => m.key?.toString())).toEqual(['job-3']);
    expect(JSON.parse(parked[0].value!.toString())).toMatchObject({ key: 'job-3', seq: 4 });
    expect(header(parked[0], 'dlq-original-topic')).toBe(topic);
  });

  it('never commits past an unfinished record, and that record comes back after a restart', async () => {
    await waitFor(
      async () => (await committedOffset(StepHandlers.groupId, topic)) === 300,
      'offset 300 committed',
    );
    steps.reset();
    const producer = app.get(KafkaProducerService);
    await producer.sendBatch([
      { eventName: 'step.done', payload: { key: 'a', seq: 100 }, options: { key: 'a' } },
      { eventName: 'step.done', payload: { key: 'b', seq: 100, hold: true }, options: { key: 'b' } },
      ...['c', 'd', 'e', 'f'].map((key) => ({
        eventName: 'step.done',
        payload: { key, seq: 100 },
        options: { key },
      })),
    ]);
    // Offset 301 (key b) is held; 300 and 302-305 finish around it.
    await waitFor(() => steps.finished.length === 5, 'the five records around the held one to finish');
    await waitFor(
      async () => (await committedOffset(StepHandlers.groupId, topic)) === 301,
      'offset 301 committed',
    );

    // Closing commits everything resolved; the held record is cut at the shutdown deadline, unresolved.
    await app.close();
    expect(await committedOffset(StepHandlers.groupId, topic)).toBe(301);

    steps.reset();
    steps.gates.clear();
    await start();
    // The held record is delivered again (and the ones after it: at least once, never lost).
    await waitFor(() => steps.offsets.includes('301'), 'offset 301 redelivered');
    steps.gates.get('b:100')?.();
    await waitFor(
      async () => (await committedOffset(StepHandlers.groupId, topic)) === 306,
      'offset 306 committed',
    );
    expect(steps.offsets.map(Number).sort((a, b) => a - b)).toEqual([301, 302, 303, 304, 305]);
  });
});
