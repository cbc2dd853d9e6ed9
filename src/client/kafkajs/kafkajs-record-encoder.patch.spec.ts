import { fastRecordEncoder, kafkajsRecordEncoder, RecordFields } from './kafkajs-record-encoder.patch';

const { Encoder, original } = kafkajsRecordEncoder();
const fast = fastRecordEncoder(Encoder, original);

const eventHeaders = {
  'event-name': 'order.created',
  'event-id': '6f1c2b9e-9f5e-4a51-8d8b-2a8c1e0f4b7d',
  'correlation-id': '6f1c2b9e-9f5e-4a51-8d8b-2a8c1e0f4b7d',
  'content-type': 'application/json',
  'client-id': 'yellow-grid-fsm',
};

const records: [string, RecordFields][] = [
  [
    'the library headers, a string key and JSON',
    { key: 'order-1', value: '{"id":1}', headers: eventHeaders },
  ],
  ['no headers, no key', { key: null, value: Buffer.from('raw bytes'), offsetDelta: 3, timestampDelta: 17 }],
  ['an empty header object', { key: Buffer.from([0, 1, 2]), value: 'v', headers: {} }],
  [
    'non-ASCII names and values',
    { key: 'clé', value: 'wert ü 😀', headers: { 'schlüssel-ü': 'wert 😀', é: '' } },
  ],
  [
    'Buffer values and a repeated header',
    { key: 'k', value: null, headers: { bin: Buffer.from([255, 0, 7]), tag: ['a', Buffer.from('b'), 'c'] } },
  ],
  [
    'a large value past one buffer, at a large offset delta',
    {
      key: 'k',
      value: 'x'.repeat(70_000),
      headers: eventHeaders,
      offsetDelta: 300_000,
      timestampDelta: 2 ** 40,
    },
  ],
];

describe('fastRecordEncoder', () => {
  it.each(records)('writes the bytes kafkajs writes: %s', (_, fields) => {
    expect(fast(fields).buffer.equals(original(fields).buffer)).toBe(true);
  });

  it('leaves a header kafkajs cannot encode to kafkajs, failing as it does', () => {
    const fields = { key: 'k', value: 'v', headers: { missing: undefined } };
    const thrown = (encode: () => unknown) => {
      try {
        encode();
      } catch (error) {
        return (error as Error).message;
      }
      return 'nothing thrown';
    };
    expect(thrown(() => fast(fields))).toBe(thrown(() => original(fields)));
    expect(thrown(() => fast(fields))).toMatch(/Received undefined/);
  });
});

describe('patchKafkajsRecordEncoder', () => {
  /** One kafkajs Produce request (v3, the record format v2 every broker since 0.11 takes), fully encoded. */
  async function encodeProduce(
    patch: boolean,
  ): Promise<{ bytes: Buffer; result?: string; encoder?: string }> {
    let result: string | undefined;
    let encoder: string | undefined;
    let bytes!: Buffer;
    await jest.isolateModulesAsync(async () => {
      /* eslint-disable @typescript-eslint/no-require-imports -- a fresh kafkajs in this registry, as at startup */
      type Patch = typeof import('./kafkajs-record-encoder.patch');
      if (patch) result = (require('./kafkajs-record-encoder.patch') as Patch).patchKafkajsRecordEncoder();
      type Produce = (request: unknown) => { encode(): Promise<{ buffer: Buffer }> };
      const produce = require('kafkajs/src/protocol/requests/produce/v3/request') as Produce;
      encoder = String(require('kafkajs/src/protocol/recordBatch/record/v0'));
      /* eslint-enable @typescript-eslint/no-require-imports */
      const messages = ['a', 'b', 'c'].map((key, i) => ({
        key,
        value: `{"n":${i}}`,
        headers: eventHeaders,
        timestamp: 1_700_000_000_000 + i,
      }));
      const request = produce({
        acks: -1,
        timeout: 30_000,
        producerId: 7,
        producerEpoch: 0,
        compression: 0,
        topicData: [{ topic: 'orders', partitions: [{ partition: 0, firstSequence: 5, messages }] }],
      });
      bytes = (await request.encode()).buffer;
    });
    return { bytes, result, encoder };
  }

  it('replaces kafkajs 2.2.4 encoder before its first send, and the Produce request keeps every byte', async () => {
    const before = await encodeProduce(false);
    const after = await encodeProduce(true);
    expect(after.result).toBe('patched');
    expect(before.encoder).toContain('headersArray.map(Header)');
    expect(after.encoder).not.toContain('headersArray.map(Header)');
    expect(after.bytes.equals(before.bytes)).toBe(true);
  });
});
