import type { RecordHeaders } from '../interfaces/kafka-record.interface';

/**
 * What Kafka's record format (v2) adds to one record sent alone, beyond its key, value and headers: the
 * record batch header (61 bytes) and the record's own length, attributes and delta varints (at most 21).
 * The broker's limit (message.max.bytes) applies to the whole batch.
 */
const RECORD_OVERHEAD_BYTES = 61 + 21;

/** What a header adds beyond its name and value bytes: two length varints, at most 5 bytes each. */
export const HEADER_OVERHEAD_BYTES = 10;

/** UTF-8 takes at most 3 bytes per UTF-16 code unit: a bound that needs no encoding. */
const MAX_UTF8_BYTES_PER_UNIT = 3;

/** Bytes of a header set on the wire, bounded above. */
export function headersSize(headers: RecordHeaders | undefined): number {
  let size = 0;
  for (const name in headers) {
    const value = headers[name];
    const values = Array.isArray(value) ? value : [value];
    for (const v of values) {
      size += Buffer.byteLength(name) + HEADER_OVERHEAD_BYTES + (v === undefined ? 0 : Buffer.byteLength(v));
    }
  }
  return size;
}

/** Bytes of a record sent in a batch of its own, bounded above: what to hold against message.max.bytes. */
export function recordSize(
  key: string | Buffer | null,
  value: string | Buffer | null,
  headers: RecordHeaders | undefined,
): number {
  return (
    RECORD_OVERHEAD_BYTES +
    (key === null ? 0 : Buffer.byteLength(key)) +
    (value === null ? 0 : Buffer.byteLength(value)) +
    headersSize(headers)
  );
}

/**
 * A bound on `recordSize` from string lengths alone (no UTF-8 encoding): a record under the limit by this
 * bound needs no exact measure, and nearly every record is.
 */
export function recordSizeBound(
  key: string | Buffer | null,
  value: string | Buffer | null,
  headers: Record<string, string>,
): number {
  let bound = RECORD_OVERHEAD_BYTES + MAX_UTF8_BYTES_PER_UNIT * ((key?.length ?? 0) + (value?.length ?? 0));
  for (const name in headers) {
    bound += MAX_UTF8_BYTES_PER_UNIT * (name.length + headers[name].length) + HEADER_OVERHEAD_BYTES;
  }
  return bound;
}
