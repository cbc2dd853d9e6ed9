import { Logger } from '@nestjs/common';
import type { AdminClient, TopicToCreate } from '../client/admin-client.port';
import { KafkaClientError } from '../client/kafka-client.error';
import type { KafkaClient } from '../client/kafka-client.port';
import type { KafkaModuleOptions } from '../config/kafka-module-options.interface';
import { resolveKafkaOptions } from '../config/kafka-options.resolver';
import { KafkaAdminService } from './kafka-admin.service';

/** An admin client over a set of topics, whose createTopics does what `create` says. */
function cluster(create: (topics: readonly TopicToCreate[]) => Promise<void>, existing: string[] = []) {
  const topics = new Set(existing);
  const created: TopicToCreate[] = [];
  const admin = {
    connect: async () => undefined,
    disconnect: async () => undefined,
    listTopics: async () => [...topics],
    createTopics: async (wanted: readonly TopicToCreate[]) => {
      await create(wanted);
      for (const t of wanted) {
        topics.add(t.topic);
        created.push(t);
      }
    },
  } as unknown as AdminClient;
  return { client: { admin: () => admin } as unknown as KafkaClient, created };
}

const serviceOver = (client: KafkaClient, options: KafkaModuleOptions = {}) =>
  new KafkaAdminService(resolveKafkaOptions(options, {}), client);

let warn: jest.SpyInstance;
beforeEach(() => {
  warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
  jest.spyOn(Logger.prototype, 'log').mockImplementation(() => undefined);
});
afterEach(() => jest.restoreAllMocks());

describe('KafkaAdminService.ensureOptionalTopics (the redelivery topics)', () => {
  it('creates the missing ones without createTopics: 3 partitions, the broker replication factor', async () => {
    const { client, created } = cluster(async () => undefined, ['dlq.redelivery.a']);
    const admin = serviceOver(client);
    await expect(admin.ensureOptionalTopics(['dlq.redelivery.a', 'dlq.redelivery.b'])).resolves.toEqual([]);
    expect(created).toEqual([{ topic: 'dlq.redelivery.b', numPartitions: 3, replicationFactor: -1 }]);
    expect(admin.missingTopics).toEqual([]);
  });

  it("uses createTopics' settings when they are given", async () => {
    const { client, created } = cluster(async () => undefined);
    await serviceOver(client, {
      createTopics: { numPartitions: 6, replicationFactor: 2 },
    }).ensureOptionalTopics(['dlq.redelivery.a']);
    expect(created).toEqual([{ topic: 'dlq.redelivery.a', numPartitions: 6, replicationFactor: 2 }]);
  });

  it('returns the topics the cluster refuses to create, with one warning naming them, the cause and the off switch', async () => {
    const refusal = new KafkaClientError('authorization', false, 'Topic authorization failed');
    const { client } = cluster(() => Promise.reject(refusal));
    const admin = serviceOver(client);
    await expect(admin.ensureOptionalTopics(['dlq.redelivery.a'])).resolves.toEqual(['dlq.redelivery.a']);
    await expect(admin.ensureOptionalTopics(['dlq.redelivery.a'])).resolves.toEqual(['dlq.redelivery.a']);
    expect(warn.mock.calls.map(([line]) => line)).toEqual([
      expect.stringMatching(
        /^Could not create the DLQ redelivery topic\(s\) dlq\.redelivery\.a \(.*Topic authorization failed\): their groups run without the replay route.*KAFKA_DLQ_REPLAY=false/,
      ),
    ]);
    // Never reported to health as a missing topic the app needs.
    expect(admin.missingTopics).toEqual([]);
  });

  it('rethrows a failure that may pass (a broker away), so startup retries it', async () => {
    const away = new KafkaClientError('unreachable', true, 'connect ECONNREFUSED');
    const { client } = cluster(() => Promise.reject(away));
    await expect(serviceOver(client).ensureOptionalTopics(['dlq.redelivery.a'])).rejects.toBe(away);
    expect(warn).not.toHaveBeenCalled();
  });
});
