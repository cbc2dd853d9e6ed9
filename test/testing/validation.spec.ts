// Runs in memory (unit project) and on the broker (integration project), as kafka-testing.spec.ts does.
import { Test, TestingModule } from '@nestjs/testing';
import { randomUUID } from 'node:crypto';
import { KafkaTestHarness, KafkaTestingModule } from '../../src/testing';
import { PaymentReceivedDto, ValidatedHandlers } from './validation.fixture';

describe(`@EventHandler({ schema }) (${process.env.KAFKA_TEST_TRANSPORT ?? 'memory'})`, () => {
  let moduleRef: TestingModule;
  let kafka: KafkaTestHarness;
  let handlers: ValidatedHandlers;

  beforeEach(async () => {
    moduleRef = await Test.createTestingModule({
      imports: [KafkaTestingModule.forRoot({ clientId: `validated-${randomUUID().slice(0, 8)}` })],
      providers: [ValidatedHandlers],
    }).compile();
    await moduleRef.init();
    kafka = moduleRef.get(KafkaTestHarness);
    handlers = moduleRef.get(ValidatedHandlers);
  });

  afterEach(() => moduleRef.close());

  describe('with a zod schema', () => {
    it('hands a valid event to the handler', async () => {
      const parcel = { parcelId: 'p-1', weightKg: 2.5, items: [{ sku: 'abc-1' }] };
      const result = await kafka.emit('shipping.parcel.shipped', parcel);

      expect(result.outcome('ValidatedHandlers.onParcel')?.status).toBe('handled');
      expect(handlers.parcels).toEqual([parcel]);
    });

    it('parks an invalid event once, reason validation, with each issue and no retry', async () => {
      const result = await kafka.emit('shipping.parcel.shipped', {
        parcelId: 'p-2',
        weightKg: -1,
        items: [{ sku: 'ok-sku' }, { sku: 'x' }],
      });

      expect(handlers.calls.parcel).toBe(0);
      expect(result.outcome('ValidatedHandlers.onParcel')).toMatchObject({
        status: 'parked',
        reason: 'validation',
        attempts: 1,
        error: { name: 'EventValidationError' },
        issues: [
          { path: 'weightKg', message: expect.stringMatching(/>0|positive|greater/i) },
          { path: 'items.1.sku', message: expect.stringMatching(/3/) },
        ],
      });
      const [letter] = kafka.deadLetters();
      expect(kafka.deadLetters()).toHaveLength(1);
      expect(JSON.parse(letter.headers['dlq-validation-issues'])).toEqual(letter.issues);
      expect(letter.error.message).toContain('items.1.sku');
    });
  });

  describe('with a class-validator DTO', () => {
    it('hands the handler a DTO instance', async () => {
      const result = await kafka.emit('payments.payment.received', {
        paymentId: 'pay-1',
        amount: 30,
        lines: [{ sku: 'abc', quantity: 2 }],
      });

      expect(result.outcome('ValidatedHandlers.onPayment')?.status).toBe('handled');
      expect(handlers.payments[0]).toBeInstanceOf(PaymentReceivedDto);
      expect(handlers.payments[0].total()).toBe(30);
    });

    it('parks an invalid event once, reason validation, with nested paths', async () => {
      const result = await kafka.emit('payments.payment.received', {
        paymentId: 7,
        amount: 30,
        lines: [{ sku: 'abc', quantity: 0 }],
      });

      expect(handlers.calls.payment).toBe(0);
      expect(result.outcome('ValidatedHandlers.onPayment')).toMatchObject({
        status: 'parked',
        reason: 'validation',
        attempts: 1,
        issues: [
          { path: 'paymentId', message: 'paymentId must be a string' },
          { path: 'lines.0.quantity', message: 'quantity must not be less than 1' },
        ],
      });
    });
  });

  it("without a schema, a validator's thrown array is parked at once as validation, not retried", async () => {
    const result = await kafka.emit('payments.refund.requested', { paymentId: 'r-1', amount: -5, lines: [] });

    expect(handlers.calls.manual).toBe(1);
    expect(result.outcome('ValidatedHandlers.onRefund')).toMatchObject({
      status: 'parked',
      reason: 'validation',
      attempts: 1,
      error: { name: 'EventValidationError' },
      issues: [{ path: 'amount', message: 'amount must be a positive number' }],
    });
  });
});
