import { INestApplicationContext, Injectable } from '@nestjs/common';
import { once } from 'node:events';
import {
  DeadLetterHeaders,
  EventContext,
  EventHandler,
  HandlerTimeoutError,
  KafkaProducerService,
  NonRetryableError,
} from '../../src';
import { committedOffset, testKafka, uniqueName, waitFor } from '../support/kafka';
import { header, readTopic, startTestApp, waitForGroups } from '../support/kafka-app';
import { readToEnd } from '../faults/support/fault-harness';

class ContractViolation extends Error {
  override name = 'ContractViolation';
}

const calls: { handler: string; id: string; attempt: number }[] = [];
const done: string[] = [];
/** What a hung handler saw of its own signal once it fired: read from inside the handler. */
interface SeenAbort {
  id: string;
  aborted: boolean;
  reason: unknown;
  at: number;
}
const aborts: SeenAbort[] = [];

/** Waits, inside a handler, for its signal to be aborted; records what the handler saw, then fails with the reason. */
async function hangUntilAborted(id: string, signal: AbortSignal): Promise<never> {
  await once(signal, 'abort');
  aborts.push({ id, aborted: signal.aborted, reason: signal.reason, at: Date.now() });
  throw signal.reason;
}
const SLOW_HANDLER_MS = 9000;

@Injectable()
class RetryHandlers {
  @EventHandler({ eventName: 'repair.flaky', groupId: uniqueName('flaky') })
  async flaky(event: { id: string; failures: number }, context: EventContext): Promise<void> {
    calls.push({ handler: 'flaky', id: event.id, attempt: context.attempt });
    if (context.attempt <= event.failures) throw new Error(`transient failure ${context.attempt}`);
    done.push(event.id);
  }

  @EventHandler({ eventName: 'repair.rejected', groupId: uniqueName('rejected') })
  rejected(event: { id: string; kind: string }, context: EventContext): void {
    calls.push({ handler: 'rejected', id: event.id, attempt: context.attempt });
    if (event.kind === 'non-retryable') throw new NonRetryableError('repair order is closed');
    if (event.kind === 'module-class') throw new ContractViolation('no contract for this site');
    if (event.kind === 'validation')
      throw Object.assign(new Error('siteId must be a UUID'), { name: 'ValidationError' });
    if (event.kind === 'handler-predicate') throw new Error('permanent: technician unknown');
    throw new Error('unexpected kind');
  }

  @EventHandler({
    eventName: 'repair.hung',
    groupId: uniqueName('hung'),
    timeoutMs: 300,
    retry: false,
    nonRetryable: (error) => error instanceof Error && error.message.startsWith('permanent'),
  })
  async hung(event: { id: string; hang: boolean }, context: EventContext): Promise<void> {
    if (event.hang) await hangUntilAborted(event.id, context.signal);
    done.push(event.id);
  }
}

describe('retries and timeouts', () => {
  let app: INestApplicationContext;
  const repairTopic = uniqueName('repairs');
  const dlqTopic = uniqueName('dlq');

  beforeAll(async () => {
    app = await startTestApp({
      providers: [RetryHandlers],
      kafka: {
        topics: { repair: repairTopic },
        dlqTopic,
        createTopics: { numPartitions: 1 },
        retry: { attempts: 4, backoff: { initialMs: 10, maxMs: 50 } },
        nonRetryable: [ContractViolation],
      },
    });
    await waitForGroups(app);
  });

  afterAll(async () => {
    await app?.close();
  });

  const dlqRecord = async (id: string) => {
    const records = await readTopic(dlqTopic, (read) =>
      read.some((r) => JSON.parse(r.value!.toString()).id === id),
    );
    return records.find((r) => JSON.parse(r.value!.toString()).id === id)!;
  };

  it('retries a failing handler with backoff and handles the event when an attempt succeeds, in partition order', async () => {
    const producer = app.get(KafkaProducerService);
    await producer.send('repair.flaky', { id: 'f-1', failures: 2 });
    await producer.send('repair.flaky', { id: 'f-2', failures: 0 });
    await waitFor(() => done.includes('f-2'), 'both flaky events handled');
    expect(calls.filter((c) => c.handler === 'flaky').map((c) => `${c.id}#${c.attempt}`)).toEqual([
      'f-1#1',
      'f-1#2',
      'f-1#3',
      'f-2#1',
    ]);
    expect(done.filter((id) => id.startsWith('f-'))).toEqual(['f-1', 'f-2']);
  });

  it.each([
    ['non-retryable', 'NonRetryableError'],
    ['module-class', 'ContractViolation'],
    ['validation', 'ValidationError'],
  ])('parks a %s error after one attempt', async (kind, errorName) => {
    const id = uniqueName(kind);
    await app.get(KafkaProducerService).send('repair.rejected', { id, kind });
    const parked = await dlqRecord(id);
    expect(header(parked, DeadLetterHeaders.ERROR_NAME)).toBe(errorName);
    expect(header(parked, DeadLetterHeaders.ATTEMPTS)).toBe('1');
    expect(calls.filter((c) => c.id === id)).toHaveLength(1);
  });

  it('uses up the retries on other errors, counting them in the DLQ record', async () => {
    const id = uniqueName('unknown');
    await app.get(KafkaProducerService).send('repair.rejected', { id, kind: 'handler-predicate' });
    const parked = await dlqRecord(id);
    // The predicate belongs to another handler: here the module's 4 attempts apply.
    expect(header(parked, DeadLetterHeaders.ATTEMPTS)).toBe('4');
    expect(calls.filter((c) => c.id === id).map((c) => c.attempt)).toEqual([1, 2, 3, 4]);
  });

  it('fails a handler that hangs past its timeout, parks the event and goes on', async () => {
    const producer = app.get(KafkaProducerService);
    await producer.send('repair.hung', { id: 'h-1', hang: true });
    await producer.send('repair.hung', { id: 'h-2', hang: false });
    await waitFor(() => done.includes('h-2'), 'the event after the hung one');
    const parked = await dlqRecord('h-1');
    expect(header(parked, DeadLetterHeaders.ERROR_NAME)).toBe('HandlerTimeoutError');
    expect(header(parked, DeadLetterHeaders.ERROR_MESSAGE)).toBe(
      'RetryHandlers.hung did not finish within 300 ms',
    );
    expect(done).not.toContain('h-1');
  });

  it('aborts the signal of an attempt that times out, with the HandlerTimeoutError as its reason', async () => {
    const id = uniqueName('h');
    await app.get(KafkaProducerService).send('repair.hung', { id, hang: true });
    // The handler itself reports what it saw when the signal fired; without the abort it never does.
    await waitFor(() => aborts.some((a) => a.id === id), 'the hung handler to see its signal aborted');
    const [seen] = aborts.filter((a) => a.id === id);
    expect(seen.aborted).toBe(true);
    expect(seen.reason).toBeInstanceOf(HandlerTimeoutError);
    expect(seen.reason).toMatchObject({ handler: 'RetryHandlers.hung', timeoutMs: 300 });
    // The reason the handler saw is the error the record was parked with.
    const parked = await dlqRecord(id);
    expect(header(parked, DeadLetterHeaders.ERROR_MESSAGE)).toBe((seen.reason as Error).message);
  });
});

@Injectable()
class DrainHandlers {
  static readonly groupId = uniqueName('drain');
  static started: string[] = [];

  // No handler timeout to speak of: only the shutdown deadline can cut this handler short.
  @EventHandler({ eventName: 'drain.*', groupId: DrainHandlers.groupId, fromBeginning: true, retry: false })
  async hold(event: { id: string }, context: EventContext): Promise<void> {
    DrainHandlers.started.push(event.id);
    await hangUntilAborted(event.id, context.signal);
  }
}

describe('a handler still running at the shutdown deadline', () => {
  const SHUTDOWN_TIMEOUT_MS = 1500;
  const drainTopic = uniqueName('drains');
  const dlqTopic = uniqueName('dlq');
  let app: INestApplicationContext | undefined;

  afterAll(async () => {
    // Only when the test failed before closing it.
    await app?.close();
  });

  it('has its signal aborted when shutdownTimeoutMs passes during app.close(), and its record stays uncommitted', async () => {
    app = await startTestApp({
      providers: [DrainHandlers],
      kafka: {
        topics: { drain: drainTopic },
        dlqTopic,
        createTopics: { numPartitions: 1 },
        shutdownTimeoutMs: SHUTDOWN_TIMEOUT_MS,
      },
    });
    await waitForGroups(app);
    const id = uniqueName('d');
    await app.get(KafkaProducerService).send('drain.started', { id });
    await waitFor(() => DrainHandlers.started.includes(id), 'the handler to start');
    expect(aborts.some((a) => a.id === id)).toBe(false);

    const closing = Date.now();
    await app.close();
    app = undefined;

    const seen = aborts.find((a) => a.id === id);
    expect(seen).toMatchObject({ aborted: true });
    expect(seen!.reason).toBeInstanceOf(Error);
    expect((seen!.reason as Error).message).toBe(`shutdown deadline of ${SHUTDOWN_TIMEOUT_MS} ms passed`);
    // Cut at the deadline, not before: the handler had its grace period (timers may fire a tick early).
    expect(seen!.at - closing).toBeGreaterThanOrEqual(SHUTDOWN_TIMEOUT_MS - 5);
    // Neither handled nor parked: the offset stays where it was, so the record is delivered again.
    expect(await committedOffset(DrainHandlers.groupId, drainTopic)).toBe(0);
    expect(await readToEnd(testKafka(), dlqTopic)).toEqual([]);
  });
});

@Injectable()
class SlowHandlers {
  static readonly groupId = uniqueName('slow');
  static handled: string[] = [];

  @EventHandler({ eventName: 'survey.*', groupId: SlowHandlers.groupId, fromBeginning: true })
  async slow(event: { id: string; slow: boolean }): Promise<void> {
    if (event.slow) await new Promise((finish) => setTimeout(finish, SLOW_HANDLER_MS));
    SlowHandlers.handled.push(event.id);
  }
}

describe('a handler slower than the session timeout', () => {
  let app: INestApplicationContext;

  beforeAll(async () => {
    app = await startTestApp({
      providers: [SlowHandlers],
      kafka: {
        topics: { survey: uniqueName('surveys') },
        dlqTopic: uniqueName('dlq'),
        // The broker's minimum session timeout (a classic group's; KIP-848's is the broker's own); the handler takes 9 s.
        consumer: { sessionTimeout: 6000, heartbeatInterval: 1000 },
        groupProtocol: 'classic',
      },
    });
    await waitForGroups(app);
  });

  afterAll(async () => {
    await app?.close();
  });

  it('keeps its partitions: heartbeats go on, the member is not replaced, the event is handled once', async () => {
    const admin = testKafka().admin();
    await admin.connect();
    const member = async () =>
      (await admin.describeGroups([SlowHandlers.groupId])).groups[0].members[0]?.memberId;
    try {
      const before = await member();
      await app
        .get(KafkaProducerService)
        .send('survey.completed', { id: 's-1', slow: true }, { key: 'site-1' });
      await app
        .get(KafkaProducerService)
        .send('survey.completed', { id: 's-2', slow: false }, { key: 'site-1' });
      await waitFor(() => SlowHandlers.handled.includes('s-2'), 'both surveys', 30_000);
      expect(SlowHandlers.handled).toEqual(['s-1', 's-2']);
      expect(await member()).toBe(before);
    } finally {
      await admin.disconnect();
    }
  });
});
