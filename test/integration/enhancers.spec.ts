// Nest's guards, interceptors, pipes and filters on @EventHandler methods, with KafkaModule on the real broker.
import { INestApplicationContext } from '@nestjs/common';
import { APP_INTERCEPTOR } from '@nestjs/core';
import { KafkaMessage } from 'kafkajs';
import { DeadLetterHeaders, KafkaProducerService } from '../../src';
import { testKafka, uniqueName, untilQuiet, waitFor } from '../support/kafka';
import { header, startTestApp, waitForGroups } from '../support/kafka-app';
import {
  ClassEnhancedHandlers,
  EnhancedHandlers,
  GlobalInterceptor,
  RecoverableError,
  TransferDto,
  seen,
} from '../testing/enhancers.fixture';

describe('Nest enhancers on @EventHandler, on the broker', () => {
  let app: INestApplicationContext;
  const dlqTopic = uniqueName('dlq');
  const parked: KafkaMessage[] = [];
  let stopReading: () => Promise<void>;

  beforeAll(async () => {
    app = await startTestApp({
      providers: [
        EnhancedHandlers,
        ClassEnhancedHandlers,
        { provide: APP_INTERCEPTOR, useClass: GlobalInterceptor },
      ],
      kafka: {
        topics: { ledger: uniqueName('ledger') },
        dlqTopic,
        createTopics: { numPartitions: 1 },
        retry: { attempts: 3, backoff: { initialMs: 10, maxMs: 20 } },
      },
    });
    await waitForGroups(app);
    // Every record parked in the DLQ, as it comes.
    const reader = testKafka().consumer({ groupId: uniqueName('dlq-reader'), maxWaitTimeInMs: 200 });
    await reader.connect();
    await reader.subscribe({ topic: dlqTopic, fromBeginning: true });
    await reader.run({ eachMessage: async ({ message }) => void parked.push(message) });
    stopReading = () => reader.disconnect();
  });

  afterAll(async () => {
    await stopReading?.();
    await app?.close();
  });

  beforeEach(() => seen.reset());

  const send = (eventName: string, payload: object) => app.get(KafkaProducerService).send(eventName, payload);
  const parkedFor = (id: string) =>
    parked.filter((m) => (JSON.parse(m.value!.toString()) as { id?: string }).id === id);
  const handledFor = (id: string) => seen.handled.filter((h) => (h.event as { id?: string }).id === id);

  it("a logging interceptor sees each call as 'kafka-event', with its result or its error", async () => {
    await send('ledger.entry.logged', { id: 'ok-1' });
    await send('ledger.entry.logged', { id: 'bad-1', fail: true });

    const [letter] = await untilQuiet(() => parkedFor('bad-1'), { expected: 1, what: 'bad-1 parked' });
    const calls = seen.intercepted.filter((c) => c.by === 'method');
    expect(
      calls.map((c) => [c.type, c.handler, c.data, c.result, (c.error as Error | undefined)?.message]),
    ).toEqual([
      ['kafka-event', 'EnhancedHandlers.onLogged', { id: 'ok-1' }, 'logged ok-1', undefined],
      [
        'kafka-event',
        'EnhancedHandlers.onLogged',
        { id: 'bad-1', fail: true },
        undefined,
        'entry bad-1 refused',
      ],
    ]);
    expect(calls[0].context).toMatchObject({
      topic: expect.any(String),
      offset: expect.any(String),
      attempt: 1,
    });
    expect(header(letter, DeadLetterHeaders.REASON)).toBe('handler-error');
  });

  it('a guard returning false parks the record exactly once, reason forbidden, after one attempt', async () => {
    await send('ledger.entry.guarded', { id: 'g-1' });

    const letters = await untilQuiet(() => parkedFor('g-1'), { expected: 1, what: 'g-1 parked' });
    expect(letters).toHaveLength(1);
    expect(header(letters[0], DeadLetterHeaders.REASON)).toBe('forbidden');
    expect(header(letters[0], DeadLetterHeaders.ERROR_NAME)).toBe('EventForbiddenError');
    expect(header(letters[0], DeadLetterHeaders.ATTEMPTS)).toBe('1');
    expect(header(letters[0], DeadLetterHeaders.HANDLER)).toBe('EnhancedHandlers.onGuarded');
    expect(seen.guarded).toBe(1);
    expect(handledFor('g-1')).toEqual([]);
  });

  it('a rejecting ValidationPipe parks the record with reason validation after one attempt', async () => {
    await send('ledger.transfer.requested', { id: 'v-1', account: 'acc-1', amount: -5 });

    const letters = await untilQuiet(() => parkedFor('v-1'), { expected: 1, what: 'v-1 parked' });
    expect(letters).toHaveLength(1);
    expect(header(letters[0], DeadLetterHeaders.REASON)).toBe('validation');
    expect(header(letters[0], DeadLetterHeaders.ATTEMPTS)).toBe('1');
    expect(JSON.parse(header(letters[0], DeadLetterHeaders.VALIDATION_ISSUES)!)).toEqual([
      { path: '', message: 'amount must be a positive number' },
    ]);
    expect(handledFor('v-1')).toEqual([]);
  });

  it('pipes hand the handler what they made of the payload: a DTO, a transformed value', async () => {
    await send('ledger.transfer.requested', { id: 'v-2', account: 'acc-2', amount: 5 });
    await send('ledger.account.named', { id: 'n-1', name: 'savings' });

    await waitFor(() => handledFor('v-2').length + handledFor('n-1').length === 2, 'both handled');
    expect(handledFor('v-2')[0].event).toBeInstanceOf(TransferDto);
    expect(handledFor('n-1')[0].event).toEqual({ id: 'n-1', name: 'SAVINGS' });
  });

  it('a filter that handles the error ends the record there; one that rethrows leaves it to the retries and the DLQ', async () => {
    await send('ledger.entry.filtered', { id: 'f-1', recoverable: true });
    await send('ledger.entry.filtered', { id: 'f-2', recoverable: false });

    const letters = await untilQuiet(() => parkedFor('f-2'), { expected: 1, what: 'f-2 parked' });
    expect(letters).toHaveLength(1);
    expect(header(letters[0], DeadLetterHeaders.ATTEMPTS)).toBe('3');
    expect(parkedFor('f-1')).toEqual([]);
    expect(handledFor('f-1').map((h) => h.attempt)).toEqual([1]);
    expect(handledFor('f-2').map((h) => h.attempt)).toEqual([1, 2, 3]);
    expect(seen.filtered[0]).toEqual({ error: expect.any(RecoverableError), type: 'kafka-event' });
  });

  it('an AsyncLocalStorage an interceptor sets (as nestjs-cls does) is visible inside the handler', async () => {
    const sent = await send('ledger.entry.traced', { id: 't-1' });

    await waitFor(() => handledFor('t-1').length === 1, 't-1 handled');
    expect(handledFor('t-1')[0].requestId).toBe(`req-${sent.partition}-${sent.offset}`);
  });

  it('class-level and global interceptors run around each of their handlers', async () => {
    await send('ledger.audit.opened', { id: 'a-1' });
    await waitFor(() => seen.intercepted.some((c) => c.by === 'class'), 'the class interceptor');
    await send('ledger.entry.plain', { id: 'p-1' });
    await waitFor(() => handledFor('p-1').length === 1, 'p-1 handled');

    expect(seen.intercepted.map((c) => [c.by, c.handler])).toEqual([
      ['global', 'ClassEnhancedHandlers.onOpened'],
      ['class', 'ClassEnhancedHandlers.onOpened'],
      ['global', 'EnhancedHandlers.onPlain'],
    ]);
  });
});
