import { KafkaClientError } from '../client/kafka-client.error';
import type { RecordWriter } from '../client/record-writer.port';
import { resolveKafkaOptions } from '../config/kafka-options.resolver';
import { TopicResolver } from '../config/topic.resolver';
import { KafkaProducerNotReadyError } from '../errors/kafka-producer-not-ready.error';
import { KafkaProducerService } from './kafka-producer.service';

/** A writer that never connects: every send waits for it until readyTimeoutMs. */
const stuck = (): RecordWriter => ({
  isConnected: false,
  connect: () => new Promise<void>(() => undefined),
  write: () => Promise.reject(new Error('not connected')),
  disconnect: () => Promise.resolve(),
});

function producer(writer: RecordWriter) {
  const options = resolveKafkaOptions(
    { brokers: ['broker-1:9093'], producer: { readyTimeoutMs: 50, lingerMs: 0 } },
    {},
  );
  return new KafkaProducerService(options, writer, new TopicResolver(options), undefined, undefined);
}

describe('KafkaProducerService: a send while the producer is not connected', () => {
  it('names the last connection failure and carries it as the cause', async () => {
    const service = producer(stuck());
    const tls = new KafkaClientError('tls', false, 'certificate has expired');
    service.connectionFailed(tls);

    const send = service.send('visit.done', { id: 'v-1' });
    await expect(send).rejects.toBeInstanceOf(KafkaProducerNotReadyError);
    await expect(send).rejects.toThrow(
      'the producer has not connected to broker-1:9093 within 50 ms; the last connection attempt failed: ' +
        'TLS handshake failed: certificate has expired',
    );
    await expect(send).rejects.toMatchObject({ cause: tls, waitedMs: 50 });
  });

  it('names an unreachable cluster beside the advice to wait longer', async () => {
    const service = producer(stuck());
    service.connectionFailed(new KafkaClientError('unreachable', true, 'connect ECONNREFUSED 10.0.0.9:9093'));
    await expect(service.send('visit.done', { id: 'v-4' })).rejects.toThrow(
      'within 50 ms: raise producer.readyTimeoutMs to wait longer, or gate traffic on ' +
        'KafkaHealthIndicator.isReady() (the last connection attempt failed: unreachable: connect ECONNREFUSED 10.0.0.9:9093)',
    );
  });

  it('says how to wait longer when no attempt has failed yet', async () => {
    const service = producer(stuck());
    const send = service.send('visit.done', { id: 'v-2' });
    await expect(send).rejects.toThrow(/within 50 ms: raise producer.readyTimeoutMs/);
    await expect(send).rejects.toMatchObject({ cause: undefined });
  });

  it('forgets a failure once the cluster was reached', async () => {
    const service = producer(stuck());
    service.connectionFailed(new KafkaClientError('authentication', false, 'authentication failed'));
    service.connectionFailed(undefined);
    await expect(service.send('visit.done', { id: 'v-3' })).rejects.toThrow(/raise producer.readyTimeoutMs/);
  });
});
