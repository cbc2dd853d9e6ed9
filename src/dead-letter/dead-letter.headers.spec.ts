import { HEADER_OVERHEAD_BYTES, headersSize } from '../common/record-size';
import { EventValidationError } from '../errors/event-validation.error';
import type { DeadLetterFailure } from '../interfaces/dead-letter.interface';
import { DeadLetterHeaders } from '../kafka.constants';
import { buildDeadLetterHeaders, DeadLetterHeaderLimits, truncateUtf8 } from './dead-letter.headers';

const failure = (overrides: Partial<DeadLetterFailure> = {}): DeadLetterFailure => ({
  topic: 'fsm.projects',
  partition: 2,
  offset: '1234567890123',
  timestamp: '1700000000000',
  reason: 'handler-error',
  error: new TypeError('total must be a number'),
  failedAt: new Date('2024-05-06T07:08:09.010Z'),
  groupId: 'billing',
  handler: 'InvoiceHandlers.created',
  eventName: 'projects.service_order.created',
  correlationId: 'c-42',
  attempts: 3,
  ...overrides,
});

const limits = (overrides: Partial<DeadLetterHeaderLimits> = {}): DeadLetterHeaderLimits => ({
  includeStack: true,
  maxStackBytes: 8192,
  budgetBytes: 1_000_000,
  ...overrides,
});

/** An error whose stack is `bytes` long, so the cut is predictable. */
const errorWithStack = (bytes: number, unit = 'x'): Error => {
  const error = new Error('boom');
  error.stack = unit.repeat(Math.ceil(bytes / Buffer.byteLength(unit)));
  return error;
};

describe('buildDeadLetterHeaders', () => {
  it('adds the issues of a validation failure as JSON', () => {
    const error = new EventValidationError('Orders.created', [{ path: 'total', message: 'Expected number' }]);
    const headers = buildDeadLetterHeaders(failure({ reason: 'validation', error }), limits());
    expect(headers[DeadLetterHeaders.REASON]).toBe('validation');
    expect(headers[DeadLetterHeaders.ERROR_NAME]).toBe('EventValidationError');
    expect(JSON.parse(headers[DeadLetterHeaders.VALIDATION_ISSUES])).toEqual([
      { path: 'total', message: 'Expected number' },
    ]);
  });

  it('writes every dlq-* header, numbers in decimal and the failure time in ISO 8601', () => {
    const headers = buildDeadLetterHeaders(failure(), limits());
    // Every header but the validation issues, which only a validation failure has (tested below).
    const always = Object.values(DeadLetterHeaders).filter((h) => h !== DeadLetterHeaders.VALIDATION_ISSUES);
    expect(Object.keys(headers).sort()).toEqual(always.sort());
    expect(headers).toMatchObject({
      [DeadLetterHeaders.ORIGINAL_TOPIC]: 'fsm.projects',
      [DeadLetterHeaders.ORIGINAL_PARTITION]: '2',
      [DeadLetterHeaders.ORIGINAL_OFFSET]: '1234567890123',
      [DeadLetterHeaders.ORIGINAL_TIMESTAMP]: '1700000000000',
      [DeadLetterHeaders.REASON]: 'handler-error',
      [DeadLetterHeaders.ERROR_NAME]: 'TypeError',
      [DeadLetterHeaders.ERROR_MESSAGE]: 'total must be a number',
      [DeadLetterHeaders.FAILED_AT]: '2024-05-06T07:08:09.010Z',
      [DeadLetterHeaders.CONSUMER_GROUP]: 'billing',
      [DeadLetterHeaders.HANDLER]: 'InvoiceHandlers.created',
      [DeadLetterHeaders.EVENT_NAME]: 'projects.service_order.created',
      [DeadLetterHeaders.CORRELATION_ID]: 'c-42',
      [DeadLetterHeaders.ATTEMPTS]: '3',
    });
    expect(headers[DeadLetterHeaders.ERROR_STACK]).toContain('total must be a number');
  });

  it('leaves out the event name and correlation id of a record that had none', () => {
    const headers = buildDeadLetterHeaders(
      failure({ reason: 'invalid-json', eventName: undefined, correlationId: undefined, handler: '' }),
      limits(),
    );
    expect(headers).not.toHaveProperty(DeadLetterHeaders.EVENT_NAME);
    expect(headers).not.toHaveProperty(DeadLetterHeaders.CORRELATION_ID);
    expect(headers[DeadLetterHeaders.REASON]).toBe('invalid-json');
  });

  it('still names the error and its message when a handler throws something that is not an Error', () => {
    const headers = buildDeadLetterHeaders(failure({ error: 'quota exceeded' }), limits());
    expect(headers[DeadLetterHeaders.ERROR_NAME]).toBe('Error');
    expect(headers[DeadLetterHeaders.ERROR_MESSAGE]).toBe('quota exceeded');
  });

  it('cuts a very long error message to 4096 bytes', () => {
    const headers = buildDeadLetterHeaders(failure({ error: new Error('é'.repeat(5000)) }), limits());
    const message = headers[DeadLetterHeaders.ERROR_MESSAGE];
    expect(Buffer.byteLength(message)).toBeLessThanOrEqual(4096);
    expect(message.startsWith('éééé')).toBe(true);
    expect(message).not.toContain('\uFFFD');
  });

  it('writes no stack when includeStack is false', () => {
    const headers = buildDeadLetterHeaders(failure(), limits({ includeStack: false }));
    expect(headers).not.toHaveProperty(DeadLetterHeaders.ERROR_STACK);
  });

  it('keeps a stack that fits whole', () => {
    const error = errorWithStack(500);
    const headers = buildDeadLetterHeaders(failure({ error }), limits());
    expect(headers[DeadLetterHeaders.ERROR_STACK]).toBe(error.stack);
  });

  it('cuts the stack to maxStackBytes', () => {
    const headers = buildDeadLetterHeaders(
      failure({ error: errorWithStack(10_000) }),
      limits({ maxStackBytes: 1000 }),
    );
    const stack = headers[DeadLetterHeaders.ERROR_STACK];
    expect(Buffer.byteLength(stack)).toBeLessThanOrEqual(1000);
    expect(Buffer.byteLength(stack)).toBeGreaterThan(900);
    expect(stack).toMatch(/truncated\]$/);
  });

  it('cuts the stack further so all headers fit the remaining budget', () => {
    const error = errorWithStack(10_000);
    const withoutStack = headersSize(
      buildDeadLetterHeaders(failure({ error }), limits({ includeStack: false })),
    );
    const budgetBytes = withoutStack + 400;
    const headers = buildDeadLetterHeaders(failure({ error }), limits({ budgetBytes }));
    const stack = headers[DeadLetterHeaders.ERROR_STACK];
    expect(stack).toBeDefined();
    expect(Buffer.byteLength(stack)).toBeLessThan(400);
    expect(headersSize(headers)).toBeLessThanOrEqual(budgetBytes);
  });

  it('writes no stack when the budget is used up by the other headers', () => {
    const error = errorWithStack(10_000);
    const withoutStack = headersSize(
      buildDeadLetterHeaders(failure({ error }), limits({ includeStack: false })),
    );
    // The stack header's own name and framing, and room for no more than the truncation marker.
    const noRoom =
      withoutStack +
      Buffer.byteLength(DeadLetterHeaders.ERROR_STACK) +
      HEADER_OVERHEAD_BYTES +
      '... [truncated]'.length;
    for (const budgetBytes of [0, withoutStack, noRoom]) {
      const headers = buildDeadLetterHeaders(failure({ error }), limits({ budgetBytes }));
      expect(headers).not.toHaveProperty(DeadLetterHeaders.ERROR_STACK);
    }
  });
});

describe('truncateUtf8', () => {
  it('returns text that fits unchanged', () => {
    expect(truncateUtf8('héllo', 6)).toBe('héllo');
  });

  it('marks the cut', () => {
    const cut = truncateUtf8('x'.repeat(100), 40);
    expect(cut).toBe('x'.repeat(25) + '... [truncated]');
  });

  it('cuts without the marker when maxBytes is too small to hold it', () => {
    expect(truncateUtf8('x'.repeat(100), 10)).toBe('x'.repeat(10));
  });

  it.each([
    ['emoji (4 bytes each)', '😀'],
    ['é (2 bytes each)', 'é'],
    ['€ (3 bytes each)', '€'],
  ])('never splits a multi-byte character and stays within maxBytes: %s', (_label, unit) => {
    const text = unit.repeat(40);
    for (let maxBytes = 0; maxBytes <= Buffer.byteLength(text); maxBytes++) {
      const cut = truncateUtf8(text, maxBytes);
      expect(Buffer.byteLength(cut)).toBeLessThanOrEqual(maxBytes);
      expect(cut).not.toContain('\uFFFD');
      // Whatever is kept is whole characters of the original, in order.
      const kept = cut.replace('... [truncated]', '');
      expect(text.startsWith(kept)).toBe(true);
    }
  });
});
