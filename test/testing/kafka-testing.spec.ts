// Runs twice in `npm test`: in the unit project on the in-memory transport, and in the integration project on
// the real broker (its setup sets KAFKA_TEST_TRANSPORT=kafka). The file is the same; only the switch differs.
import { Test, TestingModule } from '@nestjs/testing';
import { randomUUID } from 'node:crypto';
import { KafkaTestHarness, KafkaTestingModule, KafkaTestingSetupError } from '../../src/testing';
import { BillingHandlers, OrdersHandlers, OrdersStore } from './orders.fixture';

describe(`KafkaTestingModule (${process.env.KAFKA_TEST_TRANSPORT ?? 'memory'})`, () => {
  let moduleRef: TestingModule;
  let kafka: KafkaTestHarness;
  let store: OrdersStore;

  beforeEach(async () => {
    moduleRef = await Test.createTestingModule({
      // A client id of its own per test: on a broker, each test's consumer groups start fresh.
      imports: [KafkaTestingModule.forRoot({ clientId: `orders-${randomUUID().slice(0, 8)}` })],
      providers: [OrdersHandlers, OrdersStore, BillingHandlers],
    }).compile();
    await moduleRef.init();
    kafka = moduleRef.get(KafkaTestHarness);
    store = moduleRef.get(OrdersStore);
  });

  afterEach(() => moduleRef.close());

  it('emit resolves once the handler ran, with what it published under the same correlation id', async () => {
    const result = await kafka.emit('orders.order.created', { orderId: 'o-1', total: 42 });

    expect(store.created).toEqual([{ orderId: 'o-1', total: 42 }]);
    expect(result.outcomes).toEqual([
      { handler: 'OrdersHandlers.onCreated', groupId: expect.any(String), status: 'handled' },
    ]);
    const invoices = kafka.published('billing.*');
    expect(invoices).toHaveLength(1);
    expect(invoices[0]).toMatchObject({
      eventName: 'billing.invoice.requested',
      payload: { orderId: 'o-1', amount: 42 },
      correlationId: result.eventId,
    });
    expect(kafka.deadLetters()).toEqual([]);
  });

  it('a handler that keeps failing is retried and parked, its outcome and dead letter say why', async () => {
    const started = Date.now();
    const result = await kafka.emit('orders.order.cancelled', { orderId: 'o-2' });

    expect(result.outcome('OrdersHandlers.onCancelled')).toMatchObject({
      status: 'parked',
      reason: 'handler-error',
      attempts: 3,
      error: { name: 'Error', message: 'refund service down for o-2' },
    });
    expect(kafka.deadLetters()).toEqual([
      expect.objectContaining({
        reason: 'handler-error',
        handler: 'OrdersHandlers.onCancelled',
        eventName: 'orders.order.cancelled',
        attempts: 3,
        payload: { orderId: 'o-2' },
        original: { topic: result.topic, partition: result.partition, offset: result.offset },
      }),
    ]);
    // The handler's backoff starts at 5 s; retryDelays 'skip' (the testing default) retries at once.
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it('a handler that fails once is handled by its retry', async () => {
    const result = await kafka.emit('orders.order.shipped', { orderId: 'o-3' });

    expect(result.outcome('OrdersHandlers.onShipped')?.status).toBe('handled');
    expect(store.flakyAttempts).toEqual([1, 2]);
    expect(kafka.deadLetters()).toEqual([]);
  });

  it('a NonRetryableError is parked after one attempt', async () => {
    const result = await kafka.emit('orders.order.rejected', { orderId: 'o-4' });

    expect(result.outcome('OrdersHandlers.onRejected')).toMatchObject({
      status: 'parked',
      reason: 'handler-error',
      attempts: 1,
      error: { name: 'NonRetryableError' },
    });
  });

  it('an event no handler wants has no outcomes', async () => {
    const result = await kafka.emit('orders.order.archived', { orderId: 'o-5' });

    expect(result.outcomes).toEqual([]);
    expect(kafka.published()).toEqual([]);
  });

  it('reset forgets what was published and parked', async () => {
    await kafka.emit('orders.order.created', { orderId: 'o-6', total: 1 });
    await kafka.emit('orders.order.rejected', { orderId: 'o-7' });
    expect(kafka.published()).toHaveLength(1);
    expect(kafka.deadLetters()).toHaveLength(1);

    kafka.reset();

    expect(kafka.published()).toEqual([]);
    expect(kafka.deadLetters()).toEqual([]);
  });
});

describe('KafkaTestHarness before init', () => {
  it('emit says to call init()', async () => {
    const moduleRef = await Test.createTestingModule({
      imports: [KafkaTestingModule.forRoot()],
      providers: [OrdersHandlers, OrdersStore],
    }).compile();
    try {
      const emitting = moduleRef.get(KafkaTestHarness).emit('orders.order.created', {});
      await expect(emitting).rejects.toThrow(KafkaTestingSetupError);
      await expect(emitting).rejects.toThrow('await moduleRef.init()');
    } finally {
      await moduleRef.close();
    }
  });
});
