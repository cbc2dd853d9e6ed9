import { HEADER_OVERHEAD_BYTES, headersSize, recordSize, recordSizeBound } from './record-size';

describe('headersSize', () => {
  it('counts names and values in bytes, whether values are Buffers or strings', () => {
    const asString = headersSize({ 'event-name': 'créé' });
    const asBuffer = headersSize({ 'event-name': Buffer.from('créé') });
    expect(asString).toBe(asBuffer);
    expect(asString).toBe(
      Buffer.byteLength('event-name') + Buffer.byteLength('créé') + HEADER_OVERHEAD_BYTES,
    );
  });

  it('counts every value of a repeated header and adds up headers', () => {
    const one = headersSize({ a: 'x' });
    expect(headersSize({ a: ['x', Buffer.from('x')] })).toBe(2 * one);
    expect(headersSize({ a: 'x', b: Buffer.from('x') })).toBe(2 * one);
  });

  it('is zero without headers', () => {
    expect(headersSize(undefined)).toBe(0);
    expect(headersSize({})).toBe(0);
  });
});

describe('recordSize and recordSizeBound', () => {
  it('bounds a record from above, and the cheap bound is never below the exact size', () => {
    const headers = { 'event-name': 'créé', 'event-id': 'x'.repeat(36) };
    for (const [key, value] of [
      [null, '{}'],
      ['clé', '{"name":"é😀"}'],
      [Buffer.from('k'), 'x'.repeat(1000)],
    ] as const) {
      const exact = recordSize(key, value, headers);
      expect(exact).toBeGreaterThan((key?.length ?? 0) + Buffer.byteLength(value) + headersSize(headers));
      expect(recordSizeBound(key, value, headers)).toBeGreaterThanOrEqual(exact);
    }
  });
});
