import { Consumer, Kafka, Producer } from 'kafkajs';
import { createTopic, testKafka, uniqueName, waitFor } from '../support/kafka';

describe('the launched Kafka broker', () => {
  let kafka: Kafka;
  let producer: Producer;
  let consumer: Consumer | undefined;

  beforeAll(async () => {
    kafka = testKafka();
    producer = kafka.producer({ idempotent: true });
    await producer.connect();
  });

  afterAll(async () => {
    await consumer?.disconnect();
    await producer.disconnect();
  });

  it('returns through a consumer group every record produced to it, and commits the group offsets', async () => {
    const topic = uniqueName('roundtrip');
    const groupId = uniqueName('roundtrip-group');
    await createTopic(kafka, topic, 3);

    const sent = Array.from({ length: 30 }, (_, i) => ({
      key: `job-${i % 7}`,
      value: JSON.stringify({ jobId: i, technician: `tech-${i}` }),
      headers: { 'event-name': 'execution.job.completed' },
    }));
    const metadata = await producer.send({ topic, acks: -1, messages: sent });
    expect(metadata.every((m) => m.errorCode === 0)).toBe(true);

    const received: { key: string; value: string; eventName: string }[] = [];
    consumer = kafka.consumer({ groupId });
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ message }) => {
        received.push({
          key: message.key!.toString(),
          value: message.value!.toString(),
          eventName: message.headers!['event-name']!.toString(),
        });
      },
    });

    await waitFor(() => received.length >= sent.length, `${sent.length} records`);
    const byValue = (a: { value: string }, b: { value: string }) => a.value.localeCompare(b.value);
    expect(received.sort(byValue)).toEqual(
      sent.map((m) => ({ key: m.key, value: m.value, eventName: m.headers['event-name'] })).sort(byValue),
    );

    // The group's committed offsets reach the end of every partition once the records are processed.
    const admin = kafka.admin();
    await admin.connect();
    try {
      await waitFor(async () => {
        const [{ partitions }] = await admin.fetchOffsets({ groupId, topics: [topic] });
        // -1 means nothing committed: a partition that no record was keyed to.
        return partitions.reduce((sum, p) => sum + Math.max(0, Number(p.offset)), 0) === sent.length;
      }, 'committed offsets to cover all records');
    } finally {
      await admin.disconnect();
    }
  });
});
