// Nest's guards, interceptors, pipes and filters on @EventHandler methods. Runs in memory (unit project) and on
// the broker (integration project), as kafka-testing.spec.ts does.
import { Injectable, Provider, Scope } from '@nestjs/common';
import { APP_INTERCEPTOR } from '@nestjs/core';
import { Test, TestingModule } from '@nestjs/testing';
import { randomUUID } from 'node:crypto';
import { EventContext, EventHandler, HandlerTimeoutError, RequestScopedEventHandlerError } from '../../src';
import { KafkaTestHarness, KafkaTestingModule } from '../../src/testing';
import {
  ClassEnhancedHandlers,
  EnhancedHandlers,
  GlobalInterceptor,
  RecoverableError,
  TransferDto,
  seen,
} from './enhancers.fixture';
import { waitFor } from '../support/kafka';

const transport = process.env.KAFKA_TEST_TRANSPORT ?? 'memory';

async function start(providers: Provider[]): Promise<TestingModule> {
  const moduleRef = await Test.createTestingModule({
    imports: [KafkaTestingModule.forRoot({ clientId: `enhanced-${randomUUID().slice(0, 8)}` })],
    providers,
  }).compile();
  await moduleRef.init();
  return moduleRef;
}

describe(`Nest enhancers on @EventHandler (${transport})`, () => {
  let moduleRef: TestingModule;
  let kafka: KafkaTestHarness;

  beforeEach(() => seen.reset());
  afterEach(() => moduleRef?.close());

  describe('on methods and classes', () => {
    beforeEach(async () => {
      moduleRef = await start([EnhancedHandlers, ClassEnhancedHandlers]);
      kafka = moduleRef.get(KafkaTestHarness);
    });

    it("an interceptor sees the call as 'kafka-event', its payload, context and result", async () => {
      const result = await kafka.emit('ledger.entry.logged', { id: 'e-1' });

      expect(result.outcome('EnhancedHandlers.onLogged')?.status).toBe('handled');
      expect(seen.intercepted).toEqual([
        expect.objectContaining({
          by: 'method',
          type: 'kafka-event',
          handler: 'EnhancedHandlers.onLogged',
          data: { id: 'e-1' },
          context: expect.objectContaining({
            eventName: 'ledger.entry.logged',
            handler: 'EnhancedHandlers.onLogged',
          }),
          result: 'logged e-1',
        }),
      ]);
      expect(seen.intercepted[0].error).toBeUndefined();
    });

    it("an interceptor sees the handler's error, and the record takes the normal failure path", async () => {
      const result = await kafka.emit('ledger.entry.logged', { id: 'e-2', fail: true });

      expect(result.outcome('EnhancedHandlers.onLogged')).toMatchObject({
        status: 'parked',
        reason: 'handler-error',
        attempts: 1,
        error: { message: 'entry e-2 refused' },
      });
      expect(seen.intercepted).toHaveLength(1);
      expect((seen.intercepted[0].error as Error).message).toBe('entry e-2 refused');
      expect(seen.intercepted[0].result).toBeUndefined();
    });

    it('a guard returning false parks the record once, reason forbidden, without calling or retrying the handler', async () => {
      const result = await kafka.emit('ledger.entry.guarded', { id: 'g-1' });

      expect(result.outcome('EnhancedHandlers.onGuarded')).toMatchObject({
        status: 'parked',
        reason: 'forbidden',
        attempts: 1,
        error: { name: 'EventForbiddenError' },
      });
      expect(seen.guarded).toBe(1);
      expect(seen.handled).toEqual([]);
      const letters = kafka.deadLetters();
      expect(letters.map((l) => [l.reason, l.handler])).toEqual([
        ['forbidden', 'EnhancedHandlers.onGuarded'],
      ]);
      expect(letters[0].headers['dlq-reason']).toBe('forbidden');
    });

    it('a guard returning true lets the event through', async () => {
      const result = await kafka.emit('ledger.entry.guarded', { id: 'g-2', allowed: true });

      expect(result.outcome('EnhancedHandlers.onGuarded')?.status).toBe('handled');
      expect(seen.handled.map((h) => h.handler)).toEqual(['onGuarded']);
    });

    it('ValidationPipe turns a valid payload into the DTO the handler declares', async () => {
      const result = await kafka.emit('ledger.transfer.requested', { account: 'acc-1', amount: 5 });

      expect(result.outcome('EnhancedHandlers.onTransfer')?.status).toBe('handled');
      expect(seen.handled).toHaveLength(1);
      expect(seen.handled[0].event).toBeInstanceOf(TransferDto);
    });

    it("ValidationPipe's rejection parks the record after one attempt, reason validation, with its messages", async () => {
      const result = await kafka.emit('ledger.transfer.requested', { account: 'acc-2', amount: -5 });

      expect(result.outcome('EnhancedHandlers.onTransfer')).toMatchObject({
        status: 'parked',
        reason: 'validation',
        attempts: 1,
        error: { name: 'EventValidationError' },
        issues: [{ path: '', message: 'amount must be a positive number' }],
      });
      expect(seen.handled).toEqual([]);
      expect(kafka.deadLetters()).toHaveLength(1);
    });

    it('a transforming pipe changes the payload the handler gets, and leaves the context alone', async () => {
      await kafka.emit('ledger.account.named', { name: 'savings' });

      expect(seen.handled.map((h) => [h.event, h.attempt])).toEqual([[{ name: 'SAVINGS' }, 1]]);
    });

    it('a filter that handles the error ends the record as handled, after one attempt', async () => {
      const result = await kafka.emit('ledger.entry.filtered', { id: 'f-1', recoverable: true });

      expect(result.outcome('EnhancedHandlers.onFiltered')?.status).toBe('handled');
      expect(seen.handled).toHaveLength(1);
      expect(seen.filtered).toEqual([{ error: expect.any(RecoverableError), type: 'kafka-event' }]);
      expect(kafka.deadLetters()).toEqual([]);
    });

    it("a filter that rethrows leaves the error to the handler's retries and the DLQ", async () => {
      const result = await kafka.emit('ledger.entry.filtered', { id: 'f-2', recoverable: false });

      expect(result.outcome('EnhancedHandlers.onFiltered')).toMatchObject({
        status: 'parked',
        reason: 'handler-error',
        attempts: 3,
        error: { message: 'still failing' },
      });
      expect(seen.handled.map((h) => h.attempt)).toEqual([1, 2, 3]);
      expect(seen.filtered).toHaveLength(3);
    });

    it('a filter that returns nothing does not handle the error: retried, then parked', async () => {
      const result = await kafka.emit('ledger.entry.filtered', {
        id: 'f-3',
        recoverable: false,
        silent: true,
      });

      expect(result.outcome('EnhancedHandlers.onFiltered')).toMatchObject({
        status: 'parked',
        reason: 'handler-error',
        attempts: 3,
        error: { message: 'silent' },
      });
      expect(seen.filtered).toHaveLength(3);
    });

    it('what an interceptor puts in an AsyncLocalStorage (as nestjs-cls does) is visible inside the handler', async () => {
      const result = await kafka.emit('ledger.entry.traced', { id: 't-1' });

      expect(seen.handled).toEqual([
        expect.objectContaining({
          handler: 'onTraced',
          requestId: `req-${result.partition}-${result.offset}`,
        }),
      ]);
    });

    it('a class-level interceptor runs around every handler of the class', async () => {
      await kafka.emit('ledger.audit.opened', { id: 'a-1' });
      await kafka.emit('ledger.audit.closed', { id: 'a-2' });

      expect(seen.intercepted.map((c) => [c.by, c.handler, c.result])).toEqual([
        ['class', 'ClassEnhancedHandlers.onOpened', 'opened'],
        ['class', 'ClassEnhancedHandlers.onClosed', 'closed'],
      ]);
    });

    it("an enhanced handler keeps its time limit and signal: the interceptor sees the timeout's error", async () => {
      const result = await kafka.emit('ledger.entry.stuck', { id: 's-1' });

      expect(result.outcome('EnhancedHandlers.onStuck')).toMatchObject({
        status: 'parked',
        reason: 'handler-error',
        attempts: 1,
        error: { name: 'HandlerTimeoutError' },
      });
      await waitFor(
        () => seen.intercepted.some((c) => c.error !== undefined),
        'the interceptor to see the error',
      );
      expect(seen.intercepted[0].error).toBeInstanceOf(HandlerTimeoutError);
    });

    it('a handler without enhancers sees none', async () => {
      await kafka.emit('ledger.entry.plain', { id: 'p-1' });

      expect(seen.handled.map((h) => h.handler)).toEqual(['onPlain']);
      expect(seen.intercepted).toEqual([]);
    });
  });

  it('a global interceptor (APP_INTERCEPTOR) runs around every handler', async () => {
    moduleRef = await start([EnhancedHandlers, { provide: APP_INTERCEPTOR, useClass: GlobalInterceptor }]);
    kafka = moduleRef.get(KafkaTestHarness);

    await kafka.emit('ledger.entry.plain', { id: 'p-2' });
    await kafka.emit('ledger.entry.logged', { id: 'e-3' });

    expect(seen.intercepted.map((c) => [c.by, c.handler])).toEqual([
      ['global', 'EnhancedHandlers.onPlain'],
      ['global', 'EnhancedHandlers.onLogged'],
      ['method', 'EnhancedHandlers.onLogged'],
    ]);
  });

  it('a handler on a request-scoped provider stops startup, naming Class.method', async () => {
    @Injectable({ scope: Scope.REQUEST })
    class PerRequestHandlers {
      @EventHandler({ eventName: 'ledger.entry.scoped' })
      onScoped(_event: unknown, _context: EventContext): void {}
    }
    const starting = start([PerRequestHandlers]);

    await expect(starting).rejects.toThrow(RequestScopedEventHandlerError);
    await expect(starting).rejects.toThrow(/PerRequestHandlers\.onScoped/);
  });
});
