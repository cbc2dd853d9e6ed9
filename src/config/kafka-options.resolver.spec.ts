import { configError } from '../../test/support/config-error';
import type { SaslMechanismName } from '../interfaces/kafka-connection-options.interface';
import type { KafkaModuleOptions } from './kafka-module-options.interface';
import { resolveKafkaOptions } from './kafka-options.resolver';

const SECRET = 's3cr3t-PASSWORD-value';
const SASL_ENV = { KAFKA_SASL_MECHANISM: 'plain', KAFKA_SASL_USERNAME: 'svc', KAFKA_SASL_PASSWORD: SECRET };
const SASL = { mechanism: 'plain' as SaslMechanismName, username: 'svc', password: SECRET };

describe('resolveKafkaOptions', () => {
  describe('defaults of the reference design', () => {
    const resolved = resolveKafkaOptions({}, {});

    it('connects to localhost:9092 as yellow-grid-fsm, enabled, without TLS or SASL', () => {
      expect(resolved).toMatchObject({
        enabled: true,
        brokers: ['localhost:9092'],
        clientId: 'yellow-grid-fsm',
        ssl: false,
        createTopics: false,
      });
      expect(resolved.sasl).toBeUndefined();
    });

    it('parks failed records in dlq.processing_errors', () => {
      expect(resolved.dlqTopic).toBe('dlq.processing_errors');
    });

    it('maps the five domains to their fsm.* topics', () => {
      expect(resolved.topics).toEqual({
        projects: 'fsm.projects',
        assignments: 'fsm.assignments',
        scheduling: 'fsm.scheduling',
        execution: 'fsm.execution',
        contracts: 'fsm.contracts',
      });
    });
  });

  describe('environment', () => {
    it('overrides the defaults', () => {
      const resolved = resolveKafkaOptions(
        {},
        {
          KAFKA_ENABLED: 'false',
          KAFKA_BROKERS: ' k1:9092 , k2:19092 ',
          KAFKA_CLIENT_ID: 'billing',
          KAFKA_DLQ_TOPIC: 'dlq.billing',
          KAFKA_SSL: 'true',
          KAFKA_CREATE_TOPICS: 'true',
          ...SASL_ENV,
        },
      );
      expect(resolved).toMatchObject({
        enabled: false,
        brokers: ['k1:9092', 'k2:19092'],
        clientId: 'billing',
        dlqTopic: 'dlq.billing',
        ssl: true,
        sasl: { mechanism: 'plain', username: 'svc', password: SECRET },
        createTopics: { numPartitions: 3 },
      });
    });

    it('overrides a domain topic and adds new domains, keeping the other defaults', () => {
      const resolved = resolveKafkaOptions(
        {},
        { KAFKA_PROJECTS_TOPIC: 'acme.projects', KAFKA_BILLING_TOPIC: 'fsm.billing' },
      );
      expect(resolved.topics).toEqual({
        projects: 'acme.projects',
        assignments: 'fsm.assignments',
        scheduling: 'fsm.scheduling',
        execution: 'fsm.execution',
        contracts: 'fsm.contracts',
        billing: 'fsm.billing',
      });
    });

    it('does not make KAFKA_DLQ_TOPIC a domain', () => {
      const resolved = resolveKafkaOptions({}, { KAFKA_DLQ_TOPIC: 'dlq.custom' });
      expect(resolved.dlqTopic).toBe('dlq.custom');
      expect(resolved.topics).not.toHaveProperty('dlq');
    });
  });

  describe('explicit options', () => {
    const env = {
      KAFKA_ENABLED: 'true',
      KAFKA_BROKERS: 'env:9092',
      KAFKA_CLIENT_ID: 'from-env',
      KAFKA_DLQ_TOPIC: 'dlq.env',
      KAFKA_SSL: 'false',
      KAFKA_PROJECTS_TOPIC: 'env.projects',
      KAFKA_BILLING_TOPIC: 'env.billing',
    };

    it('win over the environment', () => {
      const resolved = resolveKafkaOptions(
        {
          enabled: false,
          brokers: ['explicit:9092'],
          clientId: 'explicit',
          dlqTopic: 'dlq.explicit',
          ssl: true,
          topics: { Projects: 'explicit.projects' },
        },
        env,
      );
      expect(resolved).toMatchObject({
        enabled: false,
        brokers: ['explicit:9092'],
        clientId: 'explicit',
        dlqTopic: 'dlq.explicit',
        ssl: true,
      });
      expect(resolved.topics).toMatchObject({
        projects: 'explicit.projects',
        billing: 'env.billing',
        contracts: 'fsm.contracts',
      });
    });

    it('leave what they do not set to the environment', () => {
      const resolved = resolveKafkaOptions({ clientId: 'explicit' }, env);
      expect(resolved).toMatchObject({ clientId: 'explicit', brokers: ['env:9092'], dlqTopic: 'dlq.env' });
    });

    it('accept brokers as a comma-separated string', () => {
      expect(resolveKafkaOptions({ brokers: 'a:1,b:65535' }, {}).brokers).toEqual(['a:1', 'b:65535']);
    });
  });

  describe('topic rule', () => {
    it('derives unmapped domains under fsm., not strictly, by default', () => {
      expect(resolveKafkaOptions({}, {})).toMatchObject({ topicPrefix: 'fsm.', strictTopics: false });
    });

    it('reads KAFKA_TOPIC_PREFIX, KAFKA_STRICT_TOPICS and KAFKA_DEFAULT_TOPICS', () => {
      const resolved = resolveKafkaOptions(
        {},
        {
          KAFKA_TOPIC_PREFIX: 'acme.',
          KAFKA_STRICT_TOPICS: 'true',
          KAFKA_DEFAULT_TOPICS: 'false',
          KAFKA_BILLING_TOPIC: 'acme.billing',
        },
      );
      expect(resolved).toMatchObject({ topicPrefix: 'acme.', strictTopics: true });
      expect(resolved.topics).toEqual({ billing: 'acme.billing' });
    });

    it('lets topicPrefix, strictTopics and defaultTopics win over the environment', () => {
      const resolved = resolveKafkaOptions(
        { topicPrefix: '', strictTopics: false, defaultTopics: true },
        { KAFKA_TOPIC_PREFIX: 'acme.', KAFKA_STRICT_TOPICS: 'true', KAFKA_DEFAULT_TOPICS: 'false' },
      );
      expect(resolved).toMatchObject({ topicPrefix: '', strictTopics: false });
      expect(resolved.topics).toHaveProperty('projects', 'fsm.projects');
    });

    it('with defaultTopics false, keeps only the app own domains', () => {
      expect(resolveKafkaOptions({ defaultTopics: false }, {}).topics).toEqual({});
      expect(
        resolveKafkaOptions({ defaultTopics: false, topics: { Order: 'shop.orders' } }, {}).topics,
      ).toEqual({ order: 'shop.orders' });
    });

    it.each([
      ['a space', 'fsm prod.'],
      ['a slash', 'fsm/'],
      ['no room left for a domain', 'p'.repeat(249)],
    ])('rejects a prefix with %s, naming the variable and what the prefix must be', (_, prefix) => {
      const error = configError(() => resolveKafkaOptions({}, { KAFKA_TOPIC_PREFIX: prefix }));
      expect(error.setting).toBe('KAFKA_TOPIC_PREFIX');
      expect(error.message).toContain(JSON.stringify(prefix));
      expect(error.message).toContain('<prefix><domain>');
    });

    it('names the option when the bad prefix came from topicPrefix', () => {
      expect(configError(() => resolveKafkaOptions({ topicPrefix: 'a:b' }, {})).setting).toBe('topicPrefix');
    });
  });

  describe('invalid values', () => {
    it('reject an empty KAFKA_BROKERS, naming the variable and the value', () => {
      const error = configError(() => resolveKafkaOptions({}, { KAFKA_BROKERS: '' }));
      expect(error.setting).toBe('KAFKA_BROKERS');
      expect(error.message).toContain('KAFKA_BROKERS=""');
    });

    it.each(['localhost:notaport', 'localhost', 'localhost:0', 'localhost:70000', 'ok:9092,bad:65536'])(
      'reject the broker list %s, naming the variable and the value',
      (brokers) => {
        const error = configError(() => resolveKafkaOptions({}, { KAFKA_BROKERS: brokers }));
        expect(error.setting).toBe('KAFKA_BROKERS');
        expect(error.message).toContain(brokers);
      },
    );

    it('name the option, not the variable, for an explicit broker list', () => {
      const error = configError(() => resolveKafkaOptions({ brokers: ['localhost:notaport'] }, {}));
      expect(error.setting).toBe('brokers');
      expect(error.message).toContain('localhost:notaport');
    });

    it('reject an unknown explicit SASL mechanism, naming the value', () => {
      const error = configError(() =>
        resolveKafkaOptions({ sasl: { ...SASL, mechanism: 'gssapi' as SaslMechanismName } }, {}),
      );
      expect(error.setting).toBe('sasl');
      expect(error.message).toContain('gssapi');
    });

    it('reject an unknown SASL mechanism from the environment, naming the variable', () => {
      const error = configError(() =>
        resolveKafkaOptions({}, { ...SASL_ENV, KAFKA_SASL_MECHANISM: 'gssapi' }),
      );
      expect(error.setting).toBe('KAFKA_SASL_MECHANISM');
      expect(error.message).toContain('gssapi');
    });

    it('reject an explicit SASL mechanism without a password', () => {
      const error = configError(() => resolveKafkaOptions({ sasl: { ...SASL, password: '' } }, {}));
      expect(error.message).toContain('password');
    });

    it('reject an invalid topic name from the environment, naming the variable and the value', () => {
      const error = configError(() => resolveKafkaOptions({}, { KAFKA_PROJECTS_TOPIC: 'bad topic!' }));
      expect(error.setting).toBe('KAFKA_PROJECTS_TOPIC');
      expect(error.message).toContain('KAFKA_PROJECTS_TOPIC');
      expect(error.message).toContain('bad topic!');
    });

    it('reject an invalid explicit topic name, naming the option', () => {
      const error = configError(() => resolveKafkaOptions({ topics: { billing: 'a/b' } }, {}));
      expect(error.setting).toBe('topics.billing');
      expect(error.message).toContain('a/b');
    });

    it('reject an invalid dead-letter topic name from the environment', () => {
      const error = configError(() => resolveKafkaOptions({}, { KAFKA_DLQ_TOPIC: 'dlq errors' }));
      expect(error.setting).toBe('KAFKA_DLQ_TOPIC');
      expect(error.message).toContain('dlq errors');
    });

    it('reject an empty explicit client id', () => {
      expect(configError(() => resolveKafkaOptions({ clientId: ' ' }, {})).setting).toBe('clientId');
    });

    it('reject numbers that are not positive whole numbers, naming the option', () => {
      const error = configError(() => resolveKafkaOptions({ consumer: { concurrency: 0 } }, {}));
      expect(error.setting).toBe('consumer.concurrency');
      expect(error.message).toContain('consumer.concurrency=0');
    });
  });

  describe('groupProtocol', () => {
    it('is classic unless set; the option wins over KAFKA_GROUP_PROTOCOL', () => {
      expect(resolveKafkaOptions({}, {}).groupProtocol).toBe('classic');
      expect(resolveKafkaOptions({}, { KAFKA_GROUP_PROTOCOL: 'consumer' }).groupProtocol).toBe('consumer');
      expect(
        resolveKafkaOptions({ groupProtocol: 'classic' }, { KAFKA_GROUP_PROTOCOL: 'consumer' }).groupProtocol,
      ).toBe('classic');
    });

    it('refuses an unknown explicit protocol, naming the option', () => {
      const options = { groupProtocol: 'eager' } as unknown as KafkaModuleOptions;
      expect(configError(() => resolveKafkaOptions(options, {})).setting).toBe('groupProtocol');
    });

    it('refuses, under consumer, the session timeout and heartbeat interval the broker owns, naming both', () => {
      const error = configError(() =>
        resolveKafkaOptions(
          { consumer: { sessionTimeout: 10_000, heartbeatInterval: 1000 } },
          { KAFKA_GROUP_PROTOCOL: 'consumer' },
        ),
      );
      expect(error.setting).toBe('consumer.sessionTimeout');
      expect(error.message).toContain('consumer.sessionTimeout, consumer.heartbeatInterval');
      expect(error.message).toContain("groupProtocol 'consumer'");
    });

    it('keeps, under consumer, the other consumer options and the classic defaults it does not send', () => {
      const resolved = resolveKafkaOptions({ groupProtocol: 'consumer', consumer: { concurrency: 3 } }, {});
      expect(resolved.consumer.concurrency).toBe(3);
    });

    it('takes a session timeout under classic', () => {
      const resolved = resolveKafkaOptions({ consumer: { sessionTimeout: 10_000 } }, {});
      expect(resolved.consumer.sessionTimeout).toBe(10_000);
    });
  });

  describe('the SASL password', () => {
    it.each<[string, KafkaModuleOptions, NodeJS.ProcessEnv]>([
      ['unknown mechanism in the environment', {}, { ...SASL_ENV, KAFKA_SASL_MECHANISM: 'gssapi' }],
      ['mechanism without username in the environment', {}, { ...SASL_ENV, KAFKA_SASL_USERNAME: '' }],
      ['password without mechanism in the environment', {}, { KAFKA_SASL_PASSWORD: SECRET }],
      ['invalid brokers beside SASL', {}, { ...SASL_ENV, KAFKA_BROKERS: 'localhost:notaport' }],
      ['invalid boolean beside SASL', {}, { ...SASL_ENV, KAFKA_SSL: 'maybe' }],
      ['invalid topic beside SASL', {}, { ...SASL_ENV, KAFKA_PROJECTS_TOPIC: 'bad topic!' }],
      ['invalid DLQ topic beside SASL', {}, { ...SASL_ENV, KAFKA_DLQ_TOPIC: 'bad topic!' }],
      ['unknown explicit mechanism', { sasl: { ...SASL, mechanism: 'gssapi' as SaslMechanismName } }, {}],
      ['explicit mechanism without username', { sasl: { ...SASL, username: '' } }, {}],
      ['invalid explicit brokers beside explicit SASL', { sasl: SASL, brokers: [] }, {}],
      ['invalid number beside explicit SASL', { sasl: SASL, requestTimeout: -1 }, {}],
    ])('never appears in an error: %s', (_case, explicit, env) => {
      const error = configError(() => resolveKafkaOptions(explicit, env));
      expect(error.message).not.toContain(SECRET);
      expect(String(error.stack)).not.toContain(SECRET);
      expect(JSON.stringify(error)).not.toContain(SECRET);
    });
  });
});

describe('resolveKafkaOptions: operability settings', () => {
  it("takes kafkajs' log level from logLevel, else KAFKA_LOG_LEVEL, else warn", () => {
    expect(resolveKafkaOptions({}, {}).logLevel).toBe('warn');
    expect(resolveKafkaOptions({}, { KAFKA_LOG_LEVEL: 'DEBUG' }).logLevel).toBe('debug');
    expect(resolveKafkaOptions({ logLevel: 'error' }, { KAFKA_LOG_LEVEL: 'debug' }).logLevel).toBe('error');
  });

  it('names the variable and the levels for a log level it does not know', () => {
    expect(() => resolveKafkaOptions({}, { KAFKA_LOG_LEVEL: 'loud' })).toThrow(
      /KAFKA_LOG_LEVEL.*loud.*must be one of nothing, error, warn, info, debug/,
    );
  });

  it('bounds health checks under a probe timeout of 1 s and sends before readiness at 5 s by default', () => {
    const resolved = resolveKafkaOptions({}, {});
    expect(resolved.healthCheckTimeout).toBe(800);
    expect(resolved.producer.readyTimeoutMs).toBe(5000);
    expect(resolved.health.livenessTtlMs).toBeUndefined();
    expect(() => resolveKafkaOptions({ health: { livenessTtlMs: 0 } }, {})).toThrow(/health\.livenessTtlMs/);
  });
});

describe('resolveKafkaOptions: telemetry', () => {
  it.each([
    ['metrics', 'KAFKA_METRICS', 'false'],
    ['tracing', 'KAFKA_TRACING', 'off'],
  ] as const)(
    '%s on by default, off with %s, the telemetry option winning over the variable',
    (key, variable, off) => {
      expect(resolveKafkaOptions({}, {}).telemetry[key]).toBe(true);
      expect(resolveKafkaOptions({}, { [variable]: 'false' }).telemetry[key]).toBe(false);
      expect(resolveKafkaOptions({ telemetry: { [key]: true } }, { [variable]: off }).telemetry[key]).toBe(
        true,
      );
    },
  );

  it('keeps metrics and tracing apart when both variables are set', () => {
    expect(resolveKafkaOptions({}, { KAFKA_METRICS: 'false', KAFKA_TRACING: 'true' }).telemetry).toEqual({
      metrics: false,
      tracing: true,
    });
    expect(resolveKafkaOptions({}, { KAFKA_METRICS: 'true', KAFKA_TRACING: 'false' }).telemetry).toEqual({
      metrics: true,
      tracing: false,
    });
  });

  it('names KAFKA_TRACING when it is not a boolean', () => {
    expect(() => resolveKafkaOptions({}, { KAFKA_TRACING: 'maybe' })).toThrow(/KAFKA_TRACING.*maybe/);
  });
});

describe('resolveKafkaOptions: waiting for the consumer groups at bootstrap', () => {
  it('does not wait by default, so production startup never blocks on the broker', () => {
    expect(resolveKafkaOptions({}, {}).waitForConsumers).toBe(false);
    expect(resolveKafkaOptions({ waitForConsumers: false }, {}).waitForConsumers).toBe(false);
  });

  it('waits 30 s with waitForConsumers true or without a timeout, else the timeout given', () => {
    expect(resolveKafkaOptions({ waitForConsumers: true }, {}).waitForConsumers).toEqual({
      timeoutMs: 30_000,
    });
    expect(resolveKafkaOptions({ waitForConsumers: {} }, {}).waitForConsumers).toEqual({ timeoutMs: 30_000 });
    expect(resolveKafkaOptions({ waitForConsumers: { timeoutMs: 5000 } }, {}).waitForConsumers).toEqual({
      timeoutMs: 5000,
    });
  });

  it('reads KAFKA_WAIT_FOR_CONSUMERS_MS, the option winning over it', () => {
    const env = { KAFKA_WAIT_FOR_CONSUMERS_MS: '12000' };
    expect(resolveKafkaOptions({}, env).waitForConsumers).toEqual({ timeoutMs: 12_000 });
    expect(resolveKafkaOptions({ waitForConsumers: false }, env).waitForConsumers).toBe(false);
    expect(resolveKafkaOptions({ waitForConsumers: { timeoutMs: 800 } }, env).waitForConsumers).toEqual({
      timeoutMs: 800,
    });
  });

  it.each(['0', '-1', '1.5', 'soon'])(
    'refuses KAFKA_WAIT_FOR_CONSUMERS_MS=%s, naming the variable',
    (value) => {
      expect(() => resolveKafkaOptions({}, { KAFKA_WAIT_FOR_CONSUMERS_MS: value })).toThrow(
        /KAFKA_WAIT_FOR_CONSUMERS_MS.*positive whole number/,
      );
    },
  );

  it('refuses a timeout that is not a positive whole number, naming the option', () => {
    expect(() => resolveKafkaOptions({ waitForConsumers: { timeoutMs: 0 } }, {})).toThrow(
      /waitForConsumers\.timeoutMs=0/,
    );
  });
});

describe('resolveKafkaOptions: the DLQ replay route', () => {
  it('is on by default, so an app can be replayed into without a restart; off by option or KAFKA_DLQ_REPLAY', () => {
    expect(resolveKafkaOptions({}, {}).deadLetter.replay).toBe(true);
    expect(resolveKafkaOptions({}, { KAFKA_DLQ_REPLAY: 'false' }).deadLetter.replay).toBe(false);
    expect(resolveKafkaOptions({ deadLetter: { replay: false } }, {}).deadLetter.replay).toBe(false);
    expect(
      resolveKafkaOptions({ deadLetter: { replay: true } }, { KAFKA_DLQ_REPLAY: 'false' }).deadLetter.replay,
    ).toBe(true);
  });
});
