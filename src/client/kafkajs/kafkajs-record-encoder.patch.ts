/** The part of kafkajs' Encoder (src/protocol/encoder) that a record's encoding uses. */
interface KafkajsEncoder {
  buf: Buffer;
  offset: number;
  writeVarInt(value: number): KafkajsEncoder;
  writeInt8(value: number): KafkajsEncoder;
  writeVarLong(value: unknown): KafkajsEncoder;
  writeVarIntBytes(value: unknown): KafkajsEncoder;
  writeVarIntString(value: string): KafkajsEncoder;
  readonly buffer: Buffer;
}

interface KafkajsEncoderClass {
  new (initialSize?: number): KafkajsEncoder;
  prototype: KafkajsEncoder;
  sizeOfVarInt(value: number): number;
  sizeOfVarLong(value: unknown): number;
  sizeOfVarIntBytes(value: unknown): number;
}

/** What kafkajs' produce request hands its record encoder: one message, spread, plus its deltas. */
export interface RecordFields {
  offsetDelta?: number;
  timestampDelta?: number;
  key?: unknown;
  value?: unknown;
  headers?: Record<string, unknown> | null;
}

type RecordEncoder = (fields: RecordFields) => KafkajsEncoder;

/** What `patchKafkajsRecordEncoder` did; `too-late` when kafkajs had already loaded its produce request. */
type RecordEncoderPatchResult = 'patched' | 'already-patched' | 'too-late' | 'unrecognised';

const RECORD_MODULE = 'kafkajs/src/protocol/recordBatch/record/v0';
const ENCODER_MODULE = 'kafkajs/src/protocol/encoder';
/** The modules that take the record encoder when they load (kafkajs 2.2.4): patched after, they keep the old one. */
const RECORD_USERS = ['kafkajs/src/protocol/requests/produce/v3/request'];
const PATCHED = Symbol.for('nestjs-kafka-event-system.record-encoder-patched');

const isBytes = (value: unknown): value is string | Buffer =>
  typeof value === 'string' || Buffer.isBuffer(value);

/**
 * kafkajs 2.2.4's record encoder (src/protocol/recordBatch/record/v0), writing the same bytes with far fewer
 * allocations. kafkajs builds, per record, an array of `{ key, value }` objects from the headers and then one
 * Encoder per header, each a fresh zero-filled 512-byte buffer, copied into the record's own 512-byte Encoder
 * (grown and copied again past 512 bytes): five headers cost six buffers and a dozen objects per record. Here
 * the record's size is computed first and everything is written into one buffer of that size, taken from
 * Node's pool. A header value kafkajs cannot encode (undefined, null, a number) goes to kafkajs' own encoder,
 * so it fails exactly as before.
 */
export function fastRecordEncoder(Encoder: KafkajsEncoderClass, original: RecordEncoder): RecordEncoder {
  const headerSize = (name: string, value: string | Buffer): number => {
    const nameBytes = Buffer.byteLength(name);
    const valueBytes = typeof value === 'string' ? Buffer.byteLength(value) : value.length;
    return Encoder.sizeOfVarInt(nameBytes) + nameBytes + Encoder.sizeOfVarInt(valueBytes) + valueBytes;
  };
  return (fields) => {
    const { offsetDelta = 0, timestampDelta = 0, key, value, headers = {} } = fields;
    const names = headers ? Object.keys(headers) : [];
    let count = 0;
    let headersBytes = 0;
    for (const name of names) {
      const header = headers![name];
      if (Array.isArray(header)) {
        for (const item of header) {
          if (!isBytes(item)) return original(fields);
          count++;
          headersBytes += headerSize(name, item);
        }
      } else {
        if (!isBytes(header)) return original(fields);
        count++;
        headersBytes += headerSize(name, header);
      }
    }
    const sizeOfBody =
      1 + // attributes
      Encoder.sizeOfVarLong(timestampDelta) +
      Encoder.sizeOfVarInt(offsetDelta) +
      Encoder.sizeOfVarIntBytes(key) +
      Encoder.sizeOfVarIntBytes(value) +
      Encoder.sizeOfVarInt(count) +
      headersBytes;
    // kafkajs' constructor would allocate a zero-filled buffer of its own first; this is its state, sized.
    const encoder = Object.create(Encoder.prototype) as KafkajsEncoder;
    encoder.buf = Buffer.allocUnsafe(Encoder.sizeOfVarInt(sizeOfBody) + sizeOfBody);
    encoder.offset = 0;
    encoder
      .writeVarInt(sizeOfBody)
      .writeInt8(0)
      .writeVarLong(timestampDelta)
      .writeVarInt(offsetDelta)
      .writeVarIntBytes(key)
      .writeVarIntBytes(value)
      .writeVarInt(count);
    for (const name of names) {
      const header = headers![name] as string | Buffer | (string | Buffer)[];
      if (Array.isArray(header))
        for (const item of header) encoder.writeVarIntString(name).writeVarIntBytes(item);
      else encoder.writeVarIntString(name).writeVarIntBytes(header);
    }
    return encoder;
  };
}

/* eslint-disable @typescript-eslint/no-require-imports -- kafkajs exports neither module; its package has no
   `exports` map, so the files can be required, and replaced in Node's module cache before their user loads. */

/** kafkajs' own record encoder and Encoder class, as this package resolves them. */
export function kafkajsRecordEncoder(): { Encoder: KafkajsEncoderClass; original: RecordEncoder } {
  const Encoder = require(ENCODER_MODULE) as KafkajsEncoderClass;
  const loaded = require(RECORD_MODULE) as RecordEncoder & { [PATCHED]?: RecordEncoder };
  return { Encoder, original: loaded[PATCHED] ?? loaded };
}

/**
 * Puts `fastRecordEncoder` in place of kafkajs' record encoder, once, before kafkajs' produce request loads it
 * (kafkajs loads it on the first send). Only the known kafkajs 2.2.4 encoder and Encoder are replaced; another
 * version, or a kafkajs that already sent, keeps its own encoder (correct, only slower).
 */
export function patchKafkajsRecordEncoder(): RecordEncoderPatchResult {
  const { Encoder, original } = kafkajsRecordEncoder();
  const path = require.resolve(RECORD_MODULE);
  const entry = require.cache[path];
  if ((entry?.exports as { [PATCHED]?: RecordEncoder } | undefined)?.[PATCHED]) return 'already-patched';
  if (RECORD_USERS.some((user) => require.cache[require.resolve(user)])) return 'too-late';
  const source = original.toString();
  const encoderSource = Encoder.toString();
  if (
    !entry ||
    !source.includes('headersArray.map(Header)') ||
    !encoderSource.includes('this.buf = Buffer.alloc(') ||
    !encoderSource.includes('this.offset = 0') ||
    typeof Encoder.sizeOfVarLong !== 'function'
  )
    return 'unrecognised';
  const patched = Object.assign(fastRecordEncoder(Encoder, original), { [PATCHED]: original });
  entry.exports = patched;
  return 'patched';
}
/* eslint-enable @typescript-eslint/no-require-imports */
