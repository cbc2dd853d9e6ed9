import { INestApplicationContext, Injectable } from '@nestjs/common';
import { CompressionCodecs, CompressionTypes } from 'kafkajs';
import {
  EventContext,
  EventHandler,
  KafkaCompression,
  KafkaProducerService,
  KafkaSendError,
} from '../../src';
import { uniqueName, untilQuiet } from '../support/kafka';
import { startTestApp, waitForGroups } from '../support/kafka-app';
import { loadConfluent } from '../../src/client/confluent/confluent.api';

const client = process.env.KAFKA_CLIENT ?? 'kafkajs';
const seen: { id: string; codec: string }[] = [];

@Injectable()
class ReadingHandlers {
  @EventHandler({ eventName: 'reading.*', fromBeginning: true })
  onReading(event: { id: string }, context: EventContext): void {
    seen.push({ id: event.id, codec: context.headers['codec'] });
  }
}

const CODECS: KafkaCompression[] = ['gzip', 'snappy', 'lz4', 'zstd'];
/**
 * README, `producer.compression`: gzip built in; snappy, lz4 and zstd once their kafkajs codec is registered
 * (here kafkajs-snappy for snappy). The confluent client has what its build of librdkafka has (a source build
 * here has no zstd); a codec a client lacks fails each send with a KafkaSendError that says so.
 */
const WORKS: KafkaCompression[] =
  client === 'confluent'
    ? CODECS.filter((codec) => loadConfluent().features?.includes(codec))
    : ['gzip', 'snappy'];
const MISSING = CODECS.filter((codec) => !WORKS.includes(codec));

describe(`producer.compression (${client})`, () => {
  let app: INestApplicationContext | undefined;
  const codecs = CompressionCodecs as Record<number, () => unknown>;
  const shipped = codecs[CompressionTypes.Snappy];
  beforeAll(() => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    codecs[CompressionTypes.Snappy] = require('kafkajs-snappy') as () => unknown;
  });
  afterEach(async () => {
    await app?.close();
    app = undefined;
  });
  afterAll(() => (codecs[CompressionTypes.Snappy] = shipped));

  async function appWith(compression: KafkaCompression) {
    app = await startTestApp({
      providers: [ReadingHandlers],
      kafka: { topics: { reading: uniqueName('reading') }, producer: { compression } },
    });
    await waitForGroups(app);
    return app.get(KafkaProducerService);
  }

  it.each(WORKS)('%s: a batch sent compressed is read back whole', async (codec) => {
    const producer = await appWith(codec);
    const ids = Array.from({ length: 50 }, (_, i) => `${codec}-${i}`);
    await producer.sendBatch(
      ids.map((id) => ({
        eventName: 'reading.taken',
        payload: { id, filler: 'x'.repeat(500) },
        options: { headers: { codec } },
      })),
    );
    const got = await untilQuiet(() => seen.filter((s) => s.codec === codec), {
      expected: ids.length,
      what: `${codec} events`,
    });
    expect(got.map((s) => s.id).sort()).toEqual([...ids].sort());
  });

  // A build with every codec leaves nothing to refuse (Jest refuses an empty table).
  if (MISSING.length > 0)
    it.each(MISSING)(
      '%s, which this client lacks: each send fails with KafkaSendError saying so',
      async (codec) => {
        const producer = await appWith(codec);
        const send = producer.send('reading.taken', { id: `${codec}-0` });
        await expect(send).rejects.toBeInstanceOf(KafkaSendError);
        await expect(send).rejects.toThrow(
          new RegExp(`producer\\.compression '${codec}' (needs its kafkajs codec|is not in this build)`),
        );
      },
    );
});
