import * as api from '@opentelemetry/api';
import { installTestTracing, TestTracing } from '../../test/support/tracing';
import { KafkaClientError } from '../client/kafka-client.error';
import type { RecordWriter, TopicRecord, WriteOutcome } from '../client/record-writer.port';
import type { KafkaModuleOptions } from '../config/kafka-module-options.interface';
import { resolveKafkaOptions } from '../config/kafka-options.resolver';
import { TopicResolver } from '../config/topic.resolver';
import { recordSize } from '../common/record-size';
import { EventTooLargeError } from '../errors/event-too-large.error';
import { buildEventRecord } from './event-record.builder';
import { KafkaProducerService } from './kafka-producer.service';
import { createKafkaTracing } from '../telemetry/tracing';

/** A writer whose answers the test gives: each write waits until `answer` is called. */
class ScriptedWriter implements RecordWriter {
  readonly isConnected = true;
  readonly writes: { records: readonly TopicRecord[]; answer: (outcomes: WriteOutcome[]) => void }[] = [];
  connect = () => Promise.resolve();
  disconnect = () => Promise.resolve();
  write(records: readonly TopicRecord[]): Promise<WriteOutcome[]> {
    return new Promise((answer) => this.writes.push({ records, answer }));
  }
}

const refused = new KafkaClientError('authorization', false, 'TOPIC_AUTHORIZATION_FAILED');

describe('KafkaProducerService tracing', () => {
  let installed: TestTracing;

  beforeEach(() => {
    installed = installTestTracing();
  });
  afterEach(() => installed.uninstall());

  const producerWith = (options: KafkaModuleOptions = {}) => {
    const resolved = resolveKafkaOptions({ topics: { work: 'work' }, ...options }, {});
    const writer = new ScriptedWriter();
    return {
      writer,
      producer: new KafkaProducerService(
        resolved,
        writer,
        new TopicResolver(resolved),
        undefined,
        createKafkaTracing(resolved.telemetry.tracing),
      ),
    };
  };
  const flushed = () => new Promise((resolve) => setImmediate(resolve));

  it('keeps the PRODUCER span open while the event waits in a batch, and ends it at the acknowledgement', async () => {
    const { writer, producer } = producerWith({ producer: { lingerMs: 5 } });
    const sending = producer.send('work.ordered', { id: 1 });
    await flushed();
    expect(writer.writes).toHaveLength(1);
    expect(installed.spans()).toHaveLength(0);
    expect(writer.writes[0].records[0].headers?.traceparent).toMatch(/^00-/);
    writer.writes[0].answer([{ ok: true, partition: 2, offset: '9' }]);
    await sending;
    const [span] = installed.spans();
    expect(span.name).toBe('send work');
    expect(span.attributes).toMatchObject({
      'messaging.destination.partition.id': '2',
      'messaging.kafka.offset': 9,
    });
  });

  it('ends the span of a refused send with status ERROR and error.type KafkaSendError', async () => {
    const { writer, producer } = producerWith({ producer: { lingerMs: 0 } });
    const sending = producer.send('work.ordered', { id: 1 });
    await flushed();
    writer.writes[0].answer([{ ok: false, error: refused }]);
    await expect(sending).rejects.toThrow(/TOPIC_AUTHORIZATION_FAILED/);
    const [span] = installed.spans();
    expect(span.status.code).toBe(api.SpanStatusCode.ERROR);
    expect(span.attributes['error.type']).toBe('KafkaSendError');
  });

  it("ends each span of a sendBatch with its own record's outcome", async () => {
    const { writer, producer } = producerWith();
    const sending = producer.sendBatch([
      { eventName: 'work.ordered', payload: { id: 1 } },
      { eventName: 'work.ordered', payload: { id: 2 } },
    ]);
    await flushed();
    const [first, second] = writer.writes[0].records.map((r) => r.headers?.traceparent);
    expect(first).not.toBe(second);
    writer.writes[0].answer([
      { ok: true, partition: 0, offset: '1' },
      { ok: false, error: refused },
    ]);
    await expect(sending).rejects.toThrow(/TOPIC_AUTHORIZATION_FAILED/);
    const spans = installed.spans();
    expect(spans.map((s) => [s.status.code, s.attributes['error.type']])).toEqual([
      [api.SpanStatusCode.UNSET, undefined],
      [api.SpanStatusCode.ERROR, 'KafkaSendError'],
    ]);
  });

  it('counts the trace headers towards producer.maxRecordBytes', async () => {
    const settings = {
      clientId: 'yellow-grid-fsm',
      maxRecordBytes: 1_000_000,
      topicFor: () => 'work',
      inheritedCorrelationId: () => undefined,
    };
    const { record } = buildEventRecord('work.ordered', { id: 1 }, { eventId: 'e-1' }, settings);
    // Room for the record as built, not for its traceparent (55 bytes) too.
    const maxRecordBytes = recordSize(record.key, record.value, record.headers) + 10;
    const { writer, producer } = producerWith({ producer: { maxRecordBytes } });
    const sending = producer
      .send('work.ordered', { id: 1 }, { eventId: 'e-1' })
      .catch((error: unknown) => error);
    await flushed();
    // Had it been written, the broker would have refused it: answer so the test ends either way.
    writer.writes.forEach((w) => w.answer([{ ok: true, partition: 0, offset: '1' }]));
    expect(await sending).toBeInstanceOf(EventTooLargeError);
    expect(writer.writes).toHaveLength(0);
    expect(installed.spans()[0].attributes['error.type']).toBe('EventTooLargeError');
  });

  it('writes no trace header and makes no span with telemetry.tracing false', async () => {
    const { writer, producer } = producerWith({ telemetry: { tracing: false } });
    const sending = producer.send('work.ordered', { id: 1 });
    await flushed();
    writer.writes[0].answer([{ ok: true, partition: 0, offset: '1' }]);
    await sending;
    expect(writer.writes[0].records[0].headers).not.toHaveProperty('traceparent');
    expect(installed.spans()).toHaveLength(0);
  });
});
