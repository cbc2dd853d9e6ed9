import { INestApplicationContext, Injectable, LoggerService } from '@nestjs/common';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  AclOperationTypes,
  AclPermissionTypes,
  AclResourceTypes,
  Kafka,
  logLevel,
  ResourcePatternTypes,
} from 'kafkajs';
import { KafkaCluster, startKafkaCluster } from '../../broker';
import {
  DeadLetterHeaders,
  EventHandler,
  KafkaConsumerService,
  KafkaHealthIndicator,
  KafkaModuleOptions,
  KafkaProducerService,
  KafkaSendError,
} from '../../src';
import { uniqueName, waitFor } from '../support/kafka';
import { header, startTestApp, waitForGroups } from '../support/kafka-app';
import { readToEnd } from '../faults/support/fault-harness';

const seen: string[] = [];

/**
 * An unsecured JWT (alg none), which the broker's default OAUTHBEARER validator accepts: enough to carry a
 * token through every path of the library without an identity provider. `jti` makes each token unique.
 */
function unsecuredToken(claims: { sub: string; jti: string; expiresInS: number }): string {
  const part = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
  const now = Math.floor(Date.now() / 1000);
  const { sub, jti, expiresInS } = claims;
  return `${part({ alg: 'none' })}.${part({ sub, jti, iat: now - 60, exp: now + expiresInS })}.`;
}
/** producer.readyTimeoutMs when not set (README): how long a send waits for the producer to connect. */
const DEFAULT_READY_TIMEOUT_MS = 5000;
const OAUTH_USER = 'oauth-user';
const oauthToken = unsecuredToken({ sub: OAUTH_USER, jti: 'oauth-secret-5d1e', expiresInS: 3600 });
// Expired an hour ago: the broker refuses it.
const expiredToken = unsecuredToken({ sub: OAUTH_USER, jti: 'oauth-expired-c47a', expiresInS: -3600 });

@Injectable()
class SecureHandlers {
  @EventHandler({ eventName: 'sec.*', fromBeginning: true, retry: false })
  handle(event: { id: string; fail?: boolean }): void {
    if (event.fail) throw new Error(`rejected ${event.id}`);
    seen.push(event.id);
  }
}

/** Every line any logger was given, to prove no secret is ever written. */
class CapturingLogger implements LoggerService {
  readonly lines: string[] = [];
  log = (...parts: unknown[]) => void this.lines.push(parts.map(String).join(' '));
  error = this.log;
  warn = this.log;
  debug = this.log;
  verbose = this.log;
}

/** A real broker that enforces SASL (PLAIN, SCRAM-SHA-256/512), TLS with client certificates, and ACLs. */
describe('secured broker', () => {
  let cluster: KafkaCluster;
  let admin: Kafka;
  const apps: INestApplicationContext[] = [];
  const dlqTopics: string[] = [];
  const logger = new CapturingLogger();

  beforeAll(async () => {
    cluster = await startKafkaCluster({
      secure: true,
      // OAUTHBEARER on the SASL listeners too, validated by Kafka's default (unsecured JWT) validator; the
      // login options are for the broker's own side of the mechanism (every SASL listener needs them).
      brokerProperties: {
        'sasl.enabled.mechanisms': 'PLAIN,SCRAM-SHA-256,SCRAM-SHA-512,OAUTHBEARER',
        ...Object.fromEntries(
          ['sasl_plaintext', 'sasl_ssl'].map((listener) => [
            `listener.name.${listener}.oauthbearer.sasl.jaas.config`,
            'org.apache.kafka.common.security.oauthbearer.OAuthBearerLoginModule required ' +
              'unsecuredLoginStringClaim_sub="broker";',
          ]),
        ),
      },
    });
    admin = new Kafka({ brokers: cluster.brokers, logLevel: logLevel.NOTHING });
    const client = admin.admin();
    await client.connect();
    const allow = (principal: string, resourceType: AclResourceTypes, prefix?: string) => ({
      resourceType,
      // A topic prefix, or every group.
      resourceName: prefix ?? '*',
      resourcePatternType: prefix ? ResourcePatternTypes.PREFIXED : ResourcePatternTypes.LITERAL,
      principal,
      host: '*',
      operation: AclOperationTypes.ALL,
      permissionType: AclPermissionTypes.ALLOW,
    });
    const users = Object.values(cluster.secure!.users).filter((u) => u.username !== 'limited-user');
    await client.createAcls({
      acl: [
        ...[...users.map((u) => `User:${u.username}`), 'User:mtls-client', `User:${OAUTH_USER}`].flatMap(
          (p) => [allow(p, AclResourceTypes.TOPIC, 'sec.'), allow(p, AclResourceTypes.GROUP)],
        ),
        // The limited user may use topics starting with "limited." only.
        allow('User:limited-user', AclResourceTypes.TOPIC, 'limited.'),
        allow('User:limited-user', AclResourceTypes.GROUP),
      ],
    });
    await client.disconnect();
  }, 120_000);

  afterAll(async () => {
    await Promise.all(apps.map((app) => app.close()));
    await cluster?.stop();
  });

  async function secureApp(connection: KafkaModuleOptions, prefix = 'sec') {
    const topic = uniqueName(`${prefix}.events`);
    const dlqTopic = uniqueName(`${prefix}.dlq`);
    const app = await startTestApp({
      providers: [SecureHandlers],
      logger,
      kafka: {
        topics: { sec: topic },
        dlqTopic,
        createTopics: { numPartitions: 1 },
        connectionTimeout: 2000,
        healthCheckTimeout: 6000,
        ...connection,
        producer: { retries: 1, maxRetryTimeMs: 1000, ...connection.producer },
      },
    });
    apps.push(app);
    dlqTopics.push(dlqTopic);
    return { app, topic, dlqTopic };
  }

  const mechanisms: [string, () => KafkaModuleOptions][] = [
    [
      'SASL PLAIN',
      () => ({
        brokers: [cluster.secure!.saslPlaintext],
        sasl: { mechanism: 'plain', ...cluster.secure!.users.plain },
      }),
    ],
    [
      'SASL SCRAM-SHA-256',
      () => ({
        brokers: [cluster.secure!.saslPlaintext],
        sasl: { mechanism: 'scram-sha-256', ...cluster.secure!.users.scram256 },
      }),
    ],
    [
      'SASL_SSL SCRAM-SHA-512',
      () => ({
        brokers: [cluster.secure!.saslSsl],
        ssl: { ca: [cluster.secure!.certificates.caPem] },
        sasl: { mechanism: 'scram-sha-512', ...cluster.secure!.users.scram512 },
      }),
    ],
    [
      'SASL OAUTHBEARER',
      () => ({
        brokers: [cluster.secure!.saslPlaintext],
        sasl: { mechanism: 'oauthbearer', oauthBearerProvider: async () => ({ value: oauthToken }) },
      }),
    ],
    [
      'mTLS',
      () => ({
        brokers: [cluster.secure!.ssl],
        ssl: {
          ca: [cluster.secure!.certificates.caPem],
          cert: cluster.secure!.certificates.clientCertPem,
          key: cluster.secure!.certificates.clientKeyPem,
        },
      }),
    ],
  ];

  it.each(mechanisms)(
    '%s: produces, consumes and parks a failure in the DLQ',
    async (_name, connection) => {
      const { app, dlqTopic } = await secureApp(connection());
      await waitForGroups(app);
      const producer = app.get(KafkaProducerService);
      const ok = uniqueName('ok');
      const bad = uniqueName('bad');
      await producer.send('sec.visit.done', { id: ok });
      await producer.send('sec.visit.done', { id: bad, fail: true });
      await waitFor(() => seen.includes(ok), 'the event handled over the secured connection');
      await waitFor(
        async () =>
          (await readToEnd(admin, dlqTopic)).some(
            (m) => header(m, DeadLetterHeaders.ERROR_MESSAGE) === `rejected ${bad}`,
          ),
        'the failed event parked in the DLQ over the secured connection',
      );
      expect((await app.get(KafkaHealthIndicator).isHealthy('kafka')).kafka.status).toBe('up');
    },
    60_000,
  );

  it('with certificate verification off (rejectUnauthorized: false) connects without the CA, and warns it is off', async () => {
    const warnings = () =>
      logger.lines.filter((line) => line.includes('TLS certificate verification is OFF')).length;
    const before = warnings();
    const { app } = await secureApp({
      brokers: [cluster.secure!.saslSsl],
      // No CA: with verification on, the broker's certificate (signed by the test CA) is not trusted.
      ssl: { rejectUnauthorized: false },
      sasl: { mechanism: 'scram-sha-512', ...cluster.secure!.users.scram512 },
    });
    expect(warnings()).toBeGreaterThan(before);
    await waitForGroups(app);
    const id = uniqueName('unverified');
    await app.get(KafkaProducerService).send('sec.visit.done', { id });
    await waitFor(() => seen.includes(id), 'the event handled over the unverified connection');
  }, 60_000);

  it('reads the connection from KAFKA_SASL_* and KAFKA_SSL_CA (a file path), as the reference design does', async () => {
    const caFile = join(cluster.secure!.certificates.dir, 'ca-for-env.pem');
    writeFileSync(caFile, cluster.secure!.certificates.caPem);
    const env = {
      KAFKA_BROKERS: cluster.secure!.saslSsl,
      KAFKA_SSL: 'true',
      KAFKA_SSL_CA: caFile,
      KAFKA_SASL_MECHANISM: 'scram-sha-256',
      KAFKA_SASL_USERNAME: cluster.secure!.users.scram256.username,
      KAFKA_SASL_PASSWORD: cluster.secure!.users.scram256.password,
    };
    const saved = { ...process.env };
    Object.assign(process.env, env);
    try {
      // brokers undefined: the module takes them from KAFKA_BROKERS like everything else.
      const { app } = await secureApp({ brokers: env.KAFKA_BROKERS });
      await waitForGroups(app);
      const id = uniqueName('env');
      await app.get(KafkaProducerService).send('sec.visit.done', { id });
      await waitFor(() => seen.includes(id), 'the event sent with the environment configuration');
    } finally {
      for (const key of Object.keys(env)) delete process.env[key];
      Object.assign(process.env, saved);
    }
  }, 60_000);

  const refused: [string, RegExp, () => KafkaModuleOptions][] = [
    [
      'a wrong password',
      /authentication failed/,
      () => ({
        brokers: [cluster.secure!.saslPlaintext],
        sasl: { mechanism: 'plain', username: 'plain-user', password: 'wrong-password-2a9c' },
      }),
    ],
    [
      'an unknown user',
      /authentication failed/,
      () => ({
        brokers: [cluster.secure!.saslPlaintext],
        sasl: { mechanism: 'scram-sha-512', username: 'nobody', password: 'nobody-password-77e1' },
      }),
    ],
    [
      'a client certificate from an untrusted CA',
      /TLS handshake failed/,
      () => ({
        brokers: [cluster.secure!.ssl],
        ssl: {
          ca: [cluster.secure!.certificates.caPem],
          cert: cluster.secure!.certificates.rogueCertPem,
          key: cluster.secure!.certificates.rogueKeyPem,
        },
      }),
    ],
    [
      'an expired client certificate',
      /TLS handshake failed/,
      () => ({
        brokers: [cluster.secure!.ssl],
        ssl: {
          ca: [cluster.secure!.certificates.caPem],
          cert: cluster.secure!.certificates.expiredCertPem,
          key: cluster.secure!.certificates.expiredKeyPem,
        },
      }),
    ],
    [
      'a broker certificate the client does not trust',
      /TLS handshake failed/,
      () => ({
        brokers: [cluster.secure!.saslSsl],
        ssl: { ca: [cluster.secure!.certificates.rogueCaPem] },
        sasl: { mechanism: 'scram-sha-512', ...cluster.secure!.users.scram512 },
      }),
    ],
  ];

  it.each(refused)(
    'refuses %s with a readable reason: health down, send fails, nothing consumed',
    async (_name, reason, connection) => {
      // readyTimeoutMs stays at its default (5 s): a send that waits for the producer names the reason the
      // connection was refused (the startup's failed attempt), not only that it did not connect in time.
      const { app } = await secureApp(connection());
      const health = await app.get(KafkaHealthIndicator).isHealthy('kafka');
      expect(health.kafka.status).toBe('down');
      // kafkajs retries a failed TLS handshake like any connection error, so within the health check's
      // deadline it may still be retrying: health is down either way; the send names the cause.
      expect(health.kafka.cluster).toMatch(new RegExp(`${reason.source}|^not reachable: `));
      const sentAt = Date.now();
      const send = app.get(KafkaProducerService).send('sec.visit.done', { id: 'never' });
      await expect(send).rejects.toBeInstanceOf(KafkaSendError);
      await expect(send).rejects.toThrow(reason);
      expect(Date.now() - sentAt).toBeLessThan(DEFAULT_READY_TIMEOUT_MS + 1000);
      expect(seen).not.toContain('never');
    },
    60_000,
  );

  // Not in the list above: kafkajs reads the broker's OAUTHBEARER error challenge as success and then loses
  // the connection, so the reason it gives is not "authentication failed". What matters here is the token.
  it('refuses an OAUTHBEARER token the broker rejects: health down, send fails, nothing consumed', async () => {
    const { app } = await secureApp({
      brokers: [cluster.secure!.saslPlaintext],
      sasl: { mechanism: 'oauthbearer', oauthBearerProvider: async () => ({ value: expiredToken }) },
    });
    const health = await app.get(KafkaHealthIndicator).isHealthy('kafka');
    expect(health.kafka.status).toBe('down');
    const send = app.get(KafkaProducerService).send('sec.visit.done', { id: 'never-oauth' });
    await expect(send).rejects.toBeInstanceOf(KafkaSendError);
    expect(seen).not.toContain('never-oauth');
  }, 60_000);

  // librdkafka asks for a token on its own thread; one that arrives after its client was closed made the
  // confluent client's API throw from a promise chain nobody held: an unhandled rejection, a process crash.
  // Jest fails the run on an unhandled rejection (in this test, or the suite if it surfaces later).
  it('closes while its OAUTHBEARER provider is still fetching a token, and the late token harms nothing', async () => {
    const pending: ((token: { value: string }) => void)[] = [];
    const { app } = await secureApp({
      brokers: [cluster.secure!.saslPlaintext],
      sasl: {
        mechanism: 'oauthbearer',
        oauthBearerProvider: () => new Promise((resolve) => pending.push(resolve)),
      },
    });
    await waitFor(() => pending.length > 0, 'the client to ask for a token');
    apps.splice(apps.indexOf(app), 1);
    await app.close();
    pending.forEach((resolve) => resolve({ value: oauthToken }));
    // Unhandled rejections are reported once the microtask queue drains: one macrotask later at most.
    await new Promise((resolve) => setImmediate(resolve));
    expect(
      app
        .get(KafkaConsumerService)
        .list()
        .map((group) => group.state),
    ).toEqual(['stopped']);
  }, 60_000);

  it('names the authorisation failure when a user writes to a topic its ACLs do not allow', async () => {
    const { app } = await secureApp(
      {
        brokers: [cluster.secure!.saslPlaintext],
        sasl: { mechanism: 'scram-sha-512', ...cluster.secure!.users.limited },
      },
      'limited',
    );
    const send = app
      .get(KafkaProducerService)
      .send('sec.visit.done', { id: 'x' }, { topic: 'sec.not-for-limited' });
    await expect(send).rejects.toThrow(/not authorized/);
  }, 60_000);

  it('never writes a password, a private key or a token to a log, an error, health output or a DLQ record', async () => {
    const secrets = [
      ...Object.values(cluster.secure!.users).map((u) => u.password),
      'wrong-password-2a9c',
      'nobody-password-77e1',
      // Each OAUTHBEARER token whole, and its claims segment (the part that is the holder's own).
      ...[oauthToken, expiredToken].flatMap((token) => [token, token.split('.')[1]]),
      // A line of each private key's base64 body.
      cluster.secure!.certificates.clientKeyPem.split('\n')[2],
      cluster.secure!.certificates.rogueKeyPem.split('\n')[2],
      cluster.secure!.certificates.expiredKeyPem.split('\n')[2],
    ];
    const outputs = [...logger.lines];
    for (const app of apps) {
      const health = app.get(KafkaHealthIndicator);
      outputs.push(
        JSON.stringify(await health.isHealthy('kafka')),
        JSON.stringify(await health.isProducerHealthy()),
      );
      outputs.push(
        await app
          .get(KafkaProducerService)
          .send('sec.visit.done', { id: 'probe' }, { topic: 'sec.missing-topic' })
          .then(
            () => '',
            (e: Error) => `${e.message}\n${e.stack}`,
          ),
      );
    }
    expect(outputs.length).toBeGreaterThan(10);
    // What the apps parked: every header and the value of each DLQ record (a missing DLQ topic has none).
    const parked = (
      await Promise.all(dlqTopics.map((topic) => readToEnd(admin, topic).catch(() => [])))
    ).flat();
    // Each mechanism's test parked exactly one failed event.
    expect(parked).toHaveLength(mechanisms.length);
    for (const record of parked) {
      outputs.push(
        record.value?.toString() ?? '',
        ...Object.entries(record.headers ?? {}).map(([name, value]) => `${name}: ${String(value)}`),
      );
    }
    // Every leak at once, each as the secret and the start of the line it was found in.
    const leaks = secrets.flatMap((secret) =>
      outputs.filter((line) => line.includes(secret)).map((line) => `${secret} in: ${line.slice(0, 160)}`),
    );
    expect(leaks).toEqual([]);
  }, 120_000);
});
