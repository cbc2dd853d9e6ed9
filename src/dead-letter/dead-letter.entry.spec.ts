import { DeadLetterFilterError } from '../errors/dead-letter-replay.error';
import type { ConsumedRecord } from '../interfaces/kafka-record.interface';
import {
  compileDeadLetterFilter,
  decodeDeadLetter,
  redeliveryRecord,
  replayProgressGroup,
  skipReason,
} from './dead-letter.entry';

const parked = (headers: Record<string, string> = {}): ConsumedRecord => ({
  key: Buffer.from('k1'),
  value: Buffer.from('{"id":1}'),
  offset: '41',
  timestamp: '1700000000000',
  headers: {
    'event-name': 'billing.invoice.issued',
    'event-id': 'e-1',
    tenant: 'acme',
    'dlq-original-topic': 'fsm.billing',
    'dlq-original-partition': '2',
    'dlq-original-offset': '1841',
    'dlq-original-timestamp': '1690000000000',
    'dlq-reason': 'handler-error',
    'dlq-error-name': 'PaymentDeclinedError',
    'dlq-error-message': 'declined',
    'dlq-error-stack': 'PaymentDeclinedError: declined\n at x',
    'dlq-failed-at': '2026-11-27T02:18:16.201Z',
    'dlq-consumer-group': 'billing',
    'dlq-handler': 'Billing.charge',
    'dlq-event-name': 'billing.invoice.issued',
    'dlq-attempts': '3',
    ...headers,
  },
});

describe('dead-letter entries', () => {
  const entry = decodeDeadLetter(0, parked());

  it('decodes the dlq headers of a parked record', () => {
    expect(entry).toMatchObject({
      partition: 0,
      offset: '41',
      group: 'billing',
      handler: 'Billing.charge',
      eventName: 'billing.invoice.issued',
      eventId: 'e-1',
      errorName: 'PaymentDeclinedError',
      originalTopic: 'fsm.billing',
      originalPartition: 2,
      originalOffset: '1841',
      replayCount: 0,
      attempts: 3,
      key: 'k1',
    });
    expect(entry.failedAt?.toISOString()).toBe('2026-11-27T02:18:16.201Z');
  });

  it('matches every filter field set, event patterns as @EventHandler has them', () => {
    const at = (filter: Parameters<typeof compileDeadLetterFilter>[0]) =>
      compileDeadLetterFilter(filter)(entry);
    expect(at({})).toBe(true);
    expect(
      at({ group: 'billing', handler: 'Billing.charge', event: 'billing.*', topic: 'fsm.billing' }),
    ).toBe(true);
    expect(at({ error: 'PaymentDeclinedError' })).toBe(true);
    expect(at({ error: 'handler-error' })).toBe(true);
    expect(at({ group: 'shipping' })).toBe(false);
    expect(at({ event: 'orders.*' })).toBe(false);
    expect(at({ event: 'BILLING.*' })).toBe(true);
    expect(at({ since: new Date('2026-11-27T02:00:00Z'), until: new Date('2026-11-27T03:00:00Z') })).toBe(
      true,
    );
    expect(at({ since: new Date('2026-11-27T02:18:16.202Z') })).toBe(false);
    expect(at({ until: new Date('2026-11-27T02:18:16.201Z') })).toBe(false);
  });

  it('refuses a filter it cannot use, naming the flag', () => {
    expect(() => compileDeadLetterFilter({ event: 'billing.inv*' })).toThrow(DeadLetterFilterError);
    expect(() => compileDeadLetterFilter({ event: 'billing.inv*' })).toThrow(/--event/);
    expect(() => compileDeadLetterFilter({ since: new Date('nope') })).toThrow(/--since/);
    const t = new Date('2026-01-01T00:00:00Z');
    expect(() => compileDeadLetterFilter({ since: t, until: t })).toThrow(/--until/);
  });

  it('skips records at the replay limit and records that are not events', () => {
    expect(skipReason(entry, 3)).toBeUndefined();
    expect(skipReason(decodeDeadLetter(0, parked({ 'dlq-replay-count': '3' })), 3)).toBe('replay-limit');
    expect(skipReason(decodeDeadLetter(0, parked({ 'dlq-replay-count': '3' })), 4)).toBeUndefined();
    expect(skipReason(decodeDeadLetter(0, parked({ 'dlq-reason': 'invalid-json' })), 3)).toBe(
      'not-replayable',
    );
    expect(skipReason(decodeDeadLetter(0, parked({ 'dlq-handler': '' })), 3)).toBe('no-handler');
  });

  it("replays a guard's refusal (it may pass once the guard's rule changed)", () => {
    expect(skipReason(decodeDeadLetter(0, parked({ 'dlq-reason': 'forbidden' })), 3)).toBeUndefined();
  });

  it('replays a record its schema refused (the schema may have been relaxed since), but not one that is no event', () => {
    expect(skipReason(decodeDeadLetter(0, parked({ 'dlq-reason': 'validation' })), 3)).toBeUndefined();
    for (const reason of ['invalid-json', 'empty-value', 'missing-event-name']) {
      expect(skipReason(decodeDeadLetter(0, parked({ 'dlq-reason': reason })), 3)).toBe('not-replayable');
    }
  });

  it('redelivers the original key, value and headers, without old dlq headers, with the replay headers', () => {
    const source = parked({ 'dlq-replay-count': '1', 'dlq-replayed-from-offset': '7' });
    const record = redeliveryRecord('dlq.redelivery.billing', 'dlq', decodeDeadLetter(0, source), source);
    expect(record.topic).toBe('dlq.redelivery.billing');
    expect(record.key).toEqual(Buffer.from('k1'));
    expect(record.value).toEqual(Buffer.from('{"id":1}'));
    expect(record.headers).toEqual({
      'event-name': 'billing.invoice.issued',
      'event-id': 'e-1',
      tenant: 'acme',
      'dlq-replay-count': '2',
      'dlq-replay-handler': 'Billing.charge',
      'dlq-replayed-from-topic': 'dlq',
      'dlq-replayed-from-partition': '0',
      'dlq-replayed-from-offset': '41',
      'dlq-original-topic': 'fsm.billing',
      'dlq-original-partition': '2',
      'dlq-original-offset': '1841',
      'dlq-original-timestamp': '1690000000000',
    });
  });

  it('keeps the trace context of the parked record, so a replayed event continues its sender trace', () => {
    const traceparent = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
    const source = parked({ traceparent, tracestate: 'vendor=1' });
    const record = redeliveryRecord('dlq.redelivery.billing', 'dlq', decodeDeadLetter(0, source), source);
    expect(record.headers).toMatchObject({ traceparent, tracestate: 'vendor=1' });
  });

  it('keeps one progress group per filter', () => {
    expect(replayProgressGroup({ group: 'a' })).toBe(replayProgressGroup({ group: 'a' }));
    expect(replayProgressGroup({ group: 'a' })).not.toBe(replayProgressGroup({ group: 'b' }));
    expect(replayProgressGroup({ group: 'a' })).not.toBe(replayProgressGroup({ handler: 'a' }));
  });
});
