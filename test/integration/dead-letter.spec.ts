import { INestApplicationContext, Injectable } from '@nestjs/common';
import { DeadLetterHeaders, EventContext, EventHandler, KafkaProducerService } from '../../src';
import { testKafka, uniqueName, untilQuiet } from '../support/kafka';
import { header, readUntilQuiet, startTestApp, waitForGroups } from '../support/kafka-app';

class PaymentDeclinedError extends Error {
  override name = 'PaymentDeclinedError';
}

const handled: string[] = [];
const attempts: Record<string, number> = {};

@Injectable()
class BillingHandlers {
  @EventHandler({ eventName: 'billing.*', groupId: 'billing-dlq-test', fromBeginning: true })
  async charge(event: { invoiceId: string; fail?: boolean }, _context: EventContext): Promise<void> {
    attempts[event.invoiceId] = (attempts[event.invoiceId] ?? 0) + 1;
    if (event.fail) throw new PaymentDeclinedError(`card declined for ${event.invoiceId}`);
    handled.push(event.invoiceId);
  }
}

describe('dead-letter queue', () => {
  let app: INestApplicationContext;
  const billingTopic = uniqueName('billing');
  const dlqTopic = uniqueName('dlq');
  const groupId = 'billing-dlq-test';

  beforeAll(async () => {
    // One partition, so "the next records of that partition" is every record after the failure.
    app = await startTestApp({
      providers: [BillingHandlers],
      kafka: {
        topics: { billing: billingTopic },
        dlqTopic,
        createTopics: { numPartitions: 1 },
        retry: { attempts: 3, backoff: { initialMs: 20 } },
      },
    });
    await waitForGroups(app);
  });

  afterAll(async () => {
    await app?.close();
  });

  it("parks a throwing handler's record once, with the original bytes and every dlq header, and goes on", async () => {
    const producer = app.get(KafkaProducerService);
    await producer.send('billing.invoice.issued', { invoiceId: 'inv-1' }, { key: 'inv-1' });
    const failed = await producer.send(
      'billing.invoice.issued',
      { invoiceId: 'inv-2', fail: true },
      { key: 'inv-2', correlationId: 'corr-42', headers: { tenant: 'acme' } },
    );
    await producer.send('billing.invoice.issued', { invoiceId: 'inv-3' }, { key: 'inv-3' });
    await producer.send('billing.invoice.issued', { invoiceId: 'inv-4' }, { key: 'inv-4' });

    const done = await untilQuiet(() => handled, { expected: 3, what: 'the records around the failure' });
    expect(done).toEqual(['inv-1', 'inv-3', 'inv-4']);

    // Parked once: the DLQ is read until it has been quiet for a while, so a second copy would be in it.
    const dlq = await readUntilQuiet(dlqTopic, { expected: 1 });
    expect(dlq.map((m) => m.key?.toString())).toEqual(['inv-2']);
    const [parked] = dlq;
    expect(parked.key!.toString()).toBe('inv-2');
    expect(parked.value!.toString()).toBe(JSON.stringify({ invoiceId: 'inv-2', fail: true }));
    // Original headers kept.
    expect(header(parked, 'event-name')).toBe('billing.invoice.issued');
    expect(header(parked, 'event-id')).toBe(failed.eventId);
    expect(header(parked, 'tenant')).toBe('acme');
    // Added headers, as UTF-8 text.
    expect(header(parked, DeadLetterHeaders.ORIGINAL_TOPIC)).toBe(billingTopic);
    expect(header(parked, DeadLetterHeaders.ORIGINAL_PARTITION)).toBe('0');
    expect(header(parked, DeadLetterHeaders.ORIGINAL_OFFSET)).toBe(failed.offset);
    expect(Number(header(parked, DeadLetterHeaders.ORIGINAL_TIMESTAMP))).toBeGreaterThan(
      Date.now() - 120_000,
    );
    expect(header(parked, DeadLetterHeaders.REASON)).toBe('handler-error');
    expect(header(parked, DeadLetterHeaders.ERROR_NAME)).toBe('PaymentDeclinedError');
    expect(header(parked, DeadLetterHeaders.ERROR_MESSAGE)).toBe('card declined for inv-2');
    expect(header(parked, DeadLetterHeaders.ERROR_STACK)).toContain('BillingHandlers.charge');
    expect(new Date(header(parked, DeadLetterHeaders.FAILED_AT)!).getTime()).toBeGreaterThan(
      Date.now() - 120_000,
    );
    expect(header(parked, DeadLetterHeaders.CONSUMER_GROUP)).toBe(groupId);
    expect(header(parked, DeadLetterHeaders.HANDLER)).toBe('BillingHandlers.charge');
    expect(header(parked, DeadLetterHeaders.EVENT_NAME)).toBe('billing.invoice.issued');
    expect(header(parked, DeadLetterHeaders.CORRELATION_ID)).toBe('corr-42');
    // Parked after the module's 3 attempts; the handler really ran 3 times.
    expect(header(parked, DeadLetterHeaders.ATTEMPTS)).toBe('3');
    expect(attempts['inv-2']).toBe(3);
    expect(attempts['inv-3']).toBe(1);
  });

  it('parks records that are not events (bad JSON, empty value, no event name) with a reason, and goes on', async () => {
    const producer = testKafka().producer();
    await producer.connect();
    await producer.send({
      topic: billingTopic,
      messages: [
        {
          key: 'bad-json',
          value: '{"invoiceId": "inv-5",',
          headers: { 'event-name': 'billing.invoice.issued' },
        },
        { key: 'empty', value: null, headers: { 'event-name': 'billing.invoice.issued' } },
        { key: 'no-name', value: JSON.stringify({ invoiceId: 'inv-6' }) },
        { key: 'raw-bytes', value: Buffer.from([0xff, 0xfe, 0x00, 0x01]) },
        {
          key: 'body-name',
          value: JSON.stringify({ eventName: 'billing.invoice.issued', invoiceId: 'inv-7' }),
        },
      ],
    });
    await producer.disconnect();

    const done = await untilQuiet(() => handled, { expected: 4, what: 'the record after the bad ones' });
    expect(done).toEqual(['inv-1', 'inv-3', 'inv-4', 'inv-7']);
    // The earlier test's record and the four bad ones, each parked once.
    const dlq = await readUntilQuiet(dlqTopic, { expected: 5 });
    expect(dlq.map((m) => m.key?.toString())).toEqual(['inv-2', 'bad-json', 'empty', 'no-name', 'raw-bytes']);
    const reasons = Object.fromEntries(
      dlq.slice(1).map((m) => [m.key!.toString(), header(m, DeadLetterHeaders.REASON)]),
    );
    expect(reasons).toEqual({
      'bad-json': 'invalid-json',
      empty: 'empty-value',
      'no-name': 'missing-event-name',
      'raw-bytes': 'invalid-json',
    });
    const raw = dlq.find((m) => m.key!.toString() === 'raw-bytes')!;
    expect(raw.value).toEqual(Buffer.from([0xff, 0xfe, 0x00, 0x01]));
    expect(dlq.find((m) => m.key!.toString() === 'empty')!.value).toBeNull();
    expect(
      header(
        dlq.find((m) => m.key!.toString() === 'bad-json')!,
        DeadLetterHeaders.ERROR_MESSAGE,
      ),
    ).toMatch(/not valid JSON/);
  });
});
