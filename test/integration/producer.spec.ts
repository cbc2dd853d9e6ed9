import { INestApplicationContext, Injectable } from '@nestjs/common';
import { KafkaMessage } from 'kafkajs';
import {
  EventContext,
  EventHandler,
  KafkaClientError,
  KafkajsClientFactory,
  KafkaProducerService,
  KafkaSendError,
} from '../../src';
import { patchKafkajsRecordEncoder } from '../../src/client/kafkajs/kafkajs-record-encoder.patch';
import { createTopic, testKafka, uniqueName, waitFor } from '../support/kafka';
import { header, readTopic, startTestApp, waitForGroups } from '../support/kafka-app';

const contexts: EventContext[] = [];

/** A handler that emits a follow-up event: its correlation id must flow without any code for it. */
@Injectable()
class DispatchHandlers {
  constructor(private readonly producer: KafkaProducerService) {}

  @EventHandler({ eventName: 'dispatch.job.created', fromBeginning: true })
  async onCreated(event: { jobId: string }, context: EventContext): Promise<void> {
    contexts.push(context);
    await this.producer.send('dispatch.job.assigned', { jobId: event.jobId, technician: 't-7' });
  }

  @EventHandler({ eventName: 'dispatch.job.assigned', fromBeginning: true })
  onAssigned(_event: unknown, context: EventContext): void {
    contexts.push(context);
  }
}

describe('KafkaProducerService', () => {
  let app: INestApplicationContext;
  let producer: KafkaProducerService;
  const dispatchTopic = uniqueName('dispatch');
  const clientId = uniqueName('producer-it');
  /** Produce requests the app's kafkajs producer made, counted through kafkajs' instrumentation events. */
  let produceRequests = 0;
  const clientFactory = new KafkajsClientFactory({
    producer: (kafkajs) =>
      kafkajs.on(kafkajs.events.REQUEST, ({ payload }) => {
        if (payload.apiName === 'Produce') produceRequests++;
      }),
  });

  beforeAll(async () => {
    app = await startTestApp({
      providers: [DispatchHandlers],
      kafka: {
        clientId,
        topics: { dispatch: dispatchTopic },
        dlqTopic: uniqueName('dlq'),
        clientFactory,
        // Its own kafkajs client, whatever client and group protocol the suite runs under.
        groupProtocol: 'classic',
      },
    });
    await waitForGroups(app);
    producer = app.get(KafkaProducerService);
  });

  afterAll(async () => {
    await app?.close();
  });

  it('writes to the domain topic with event-name, event-id, correlation-id, content-type and client-id headers', async () => {
    const sent = await producer.send('dispatch.route.planned', { routeId: 'r-1' }, { key: 'r-1' });
    expect(sent).toMatchObject({ sent: true, topic: dispatchTopic, eventName: 'dispatch.route.planned' });
    expect(sent.partition).toBeGreaterThanOrEqual(0);
    expect(Number(sent.offset)).toBeGreaterThanOrEqual(0);
    expect(sent.eventId).toMatch(/^[0-9a-f-]{36}$/);

    const records = await readTopic(dispatchTopic, 1);
    const record = records.find((r) => header(r, 'event-id') === sent.eventId)!;
    expect(JSON.parse(record.value!.toString())).toEqual({ routeId: 'r-1' });
    expect(record.key!.toString()).toBe('r-1');
    expect(header(record, 'event-name')).toBe('dispatch.route.planned');
    expect(header(record, 'correlation-id')).toBe(sent.eventId);
    expect(header(record, 'content-type')).toBe('application/json');
    expect(header(record, 'client-id')).toBe(clientId);
    // These bytes were written by the library's record encoder, in place since before the app's first send.
    expect(patchKafkajsRecordEncoder()).toBe('already-patched');
  });

  it("carries the handled event's correlation id into events its handler sends", async () => {
    const origin = await producer.send(
      'dispatch.job.created',
      { jobId: 'j-1' },
      { correlationId: 'visit-99' },
    );
    await waitFor(() => contexts.some((c) => c.eventName === 'dispatch.job.assigned'), 'the follow-up event');
    const created = contexts.find((c) => c.eventName === 'dispatch.job.created')!;
    const assigned = contexts.find((c) => c.eventName === 'dispatch.job.assigned')!;
    expect(created.headers['event-id']).toBe(origin.eventId);
    expect(assigned.headers['correlation-id']).toBe('visit-99');
    expect(assigned.headers['event-id']).not.toBe(origin.eventId);
    expect(assigned).toMatchObject({
      topic: dispatchTopic,
      key: null,
      groupId: `${clientId}.DispatchHandlers.onAssigned`,
    });
  });

  it('sends an event of an unmapped domain to fsm.<domain>, the topic a handler of that domain listens to', async () => {
    const domain = uniqueName('warehouse').replace('.', '_');
    await createTopic(testKafka(), `fsm.${domain}`);
    const sent = await producer.send(`${domain}.stock.moved`, { sku: 'x' });
    expect(sent).toMatchObject({ sent: true, topic: `fsm.${domain}` });
    const [record] = await readTopic(`fsm.${domain}`, 1);
    expect(header(record, 'event-name')).toBe(`${domain}.stock.moved`);
  });

  it('sends to options.topic whatever the domain', async () => {
    const topic = uniqueName('custom');
    await createTopic(testKafka(), topic);
    const sent = await producer.send('warehouse.stock.moved', { sku: 'x' }, { topic });
    expect(sent.topic).toBe(topic);
    const [record] = await readTopic(topic, 1);
    expect(header(record, 'event-name')).toBe('warehouse.stock.moved');
  });

  it('sends a batch with one event id, partition and offset per event, each where the broker says', async () => {
    const sent = await producer.sendBatch([
      { eventName: 'dispatch.route.planned', payload: { routeId: 'b-1' } },
      { eventName: 'dispatch.route.planned', payload: { routeId: 'b-2' }, options: { key: 'b-2' } },
    ]);
    expect(new Set(sent.map((s) => s.eventId)).size).toBe(2);
    const ids = (records: KafkaMessage[]) => new Set(records.map((r) => header(r, 'event-id')));
    const records = await readTopic(dispatchTopic, (read) => sent.every((s) => ids(read).has(s.eventId)));
    const second = records.find((r) => header(r, 'event-id') === sent[1].eventId)!;
    expect(second.key!.toString()).toBe('b-2');
    expect(JSON.parse(second.value!.toString())).toEqual({ routeId: 'b-2' });
    for (const event of sent) {
      expect(event).toMatchObject({ sent: true, topic: dispatchTopic });
      const record = records.find((r) => header(r, 'event-id') === event.eventId)!;
      expect(record.offset).toBe(event.offset);
    }
  });

  it("writes a batch spanning a broker's partitions in one Produce request, each event at its own offset", async () => {
    const requestsBefore = produceRequests;
    const sent = await producer.sendBatch(
      Array.from({ length: 30 }, (_, i) => ({
        eventName: 'dispatch.route.planned',
        payload: { routeId: `one-${i}` },
        options: { key: `one-${i % 7}` },
      })),
    );
    expect(new Set(sent.map((s) => s.partition)).size).toBe(3);
    expect(produceRequests - requestsBefore).toBe(1);
    const ids = new Set(sent.map((s) => s.eventId));
    const records = await readTopic(
      dispatchTopic,
      (read) => read.filter((r) => ids.has(header(r, 'event-id')!)).length >= 30,
    );
    expect(new Set(sent.map((s) => `${s.partition}@${s.offset}`)).size).toBe(30);
    for (const event of sent) {
      const record = records.find((r) => header(r, 'event-id') === event.eventId)!;
      expect(record.offset).toBe(event.offset);
    }
  });

  it('coalesces concurrent sends into a few requests, giving each caller its own offset or its own error', async () => {
    const requestsBefore = produceRequests;
    const calls = Array.from({ length: 200 }, (_, i) =>
      producer.send('dispatch.route.planned', { routeId: `c-${i}` }, { key: `route-${i % 17}` }),
    );
    // In the same linger window: a topic that does not exist fails its own call only.
    const stray = producer.send(
      'dispatch.route.planned',
      { routeId: 'stray' },
      { topic: uniqueName('missing') },
    );
    const sent = await Promise.all(calls);
    const strayError = (await stray.catch((e: unknown) => e)) as KafkaSendError;
    expect(strayError).toBeInstanceOf(KafkaSendError);
    // The client's failure, as the port names it: what kind, and whether a retry may help.
    expect(strayError.cause).toBeInstanceOf(KafkaClientError);
    expect((strayError.cause as KafkaClientError).kind).toBe('other');
    expect(typeof (strayError.cause as KafkaClientError).retriable).toBe('boolean');
    // One request per broker (one here) per flush, carrying all 3 partitions: not one per call.
    const requests = produceRequests - requestsBefore;
    expect(new Set(sent.map((s) => s.partition)).size).toBe(3);
    expect(requests).toBeGreaterThanOrEqual(1);
    expect(requests).toBeLessThanOrEqual(4);

    const positions = new Set(sent.map((s) => `${s.partition}@${s.offset}`));
    expect(positions.size).toBe(200);
    const ids = new Set(sent.map((s) => s.eventId));
    const records = await readTopic(
      dispatchTopic,
      (read) => read.filter((r) => ids.has(header(r, 'event-id')!)).length >= 200,
    );
    for (const event of sent) {
      const record = records.find((r) => header(r, 'event-id') === event.eventId)!;
      expect(record.offset).toBe(event.offset);
    }
  });
});
