import { configError } from '../../test/support/config-error';
import { parseBoolean, parseKafkaEnv } from './kafka-env.parser';
import { resolveKafkaOptions } from './kafka-options.resolver';

const SECRET = 's3cr3t-PASSWORD-value';
/** SASL values are checked once, where the environment meets the options: errors still name the variables. */
const resolveFromEnv = (env: NodeJS.ProcessEnv) => resolveKafkaOptions({}, env);

describe('parseKafkaEnv', () => {
  it('returns nothing for an environment without Kafka variables, so defaults can apply', () => {
    expect(parseKafkaEnv({ PATH: '/usr/bin', HOME: '/root' })).toEqual({});
  });

  it('reads KAFKA_CLIENT, and refuses a client it does not know, naming the variable', () => {
    expect(parseKafkaEnv({ KAFKA_CLIENT: ' Confluent ' }).client).toBe('confluent');
    expect(parseKafkaEnv({ KAFKA_CLIENT: 'kafkajs' }).client).toBe('kafkajs');
    expect(() => parseKafkaEnv({ KAFKA_CLIENT: 'rdkafka' })).toThrow(/KAFKA_CLIENT.*kafkajs, confluent/);
  });

  it('reads KAFKA_GROUP_PROTOCOL, and refuses a protocol it does not know, naming the variable', () => {
    expect(parseKafkaEnv({ KAFKA_GROUP_PROTOCOL: ' Consumer ' }).groupProtocol).toBe('consumer');
    expect(parseKafkaEnv({ KAFKA_GROUP_PROTOCOL: 'classic' }).groupProtocol).toBe('classic');
    const error = configError(() => parseKafkaEnv({ KAFKA_GROUP_PROTOCOL: 'kip848' }));
    expect(error.setting).toBe('KAFKA_GROUP_PROTOCOL');
    expect(error.message).toMatch(/"kip848".*classic, consumer/);
  });

  it('treats blank variables as unset', () => {
    expect(parseKafkaEnv({ KAFKA_ENABLED: '  ', KAFKA_CLIENT_ID: '', KAFKA_PROJECTS_TOPIC: ' ' })).toEqual(
      {},
    );
  });

  it('reads KAFKA_METRICS into telemetry.metrics, and refuses a value that is not a boolean', () => {
    expect(parseKafkaEnv({ KAFKA_METRICS: 'false' })).toEqual({ telemetry: { metrics: false } });
    expect(() => parseKafkaEnv({ KAFKA_METRICS: 'maybe' })).toThrow('KAFKA_METRICS');
  });

  it('reads the reference design variables', () => {
    expect(
      parseKafkaEnv({
        KAFKA_ENABLED: 'true',
        KAFKA_BROKERS: 'k1:9092,k2:9092',
        KAFKA_CLIENT_ID: ' billing-service ',
        KAFKA_DLQ_TOPIC: 'dlq.billing',
        KAFKA_SSL: 'yes',
        KAFKA_CREATE_TOPICS: '1',
      }),
    ).toEqual({
      enabled: true,
      brokers: 'k1:9092,k2:9092',
      clientId: 'billing-service',
      dlqTopic: 'dlq.billing',
      ssl: true,
      createTopics: true,
    });
  });

  it.each(['false', '0', 'no', 'off', 'FALSE', ' No '])('disables Kafka with KAFKA_ENABLED=%s', (value) => {
    expect(parseKafkaEnv({ KAFKA_ENABLED: value }).enabled).toBe(false);
  });

  it.each(['true', '1', 'yes', 'on', 'TRUE'])('enables Kafka with KAFKA_ENABLED=%s', (value) => {
    expect(parseKafkaEnv({ KAFKA_ENABLED: value }).enabled).toBe(true);
  });

  it.each(['KAFKA_ENABLED', 'KAFKA_SSL', 'KAFKA_CREATE_TOPICS'])(
    'rejects a value of %s that is not a boolean, naming the variable and the value',
    (variable) => {
      const error = configError(() => parseKafkaEnv({ [variable]: 'maybe' }));
      expect(error.setting).toBe(variable);
      expect(error.message).toContain(variable);
      expect(error.message).toContain('maybe');
    },
  );

  it('maps each KAFKA_<DOMAIN>_TOPIC to its lower-case domain, including new domains', () => {
    expect(
      parseKafkaEnv({
        KAFKA_PROJECTS_TOPIC: 'acme.projects',
        KAFKA_BILLING_TOPIC: 'fsm.billing',
        KAFKA_SERVICE_ORDER_TOPIC: ' fsm.service_orders ',
      }).topics,
    ).toEqual({ projects: 'acme.projects', billing: 'fsm.billing', service_order: 'fsm.service_orders' });
  });

  it('does not take KAFKA_DLQ_TOPIC for a domain mapping', () => {
    const options = parseKafkaEnv({ KAFKA_DLQ_TOPIC: 'dlq.custom' });
    expect(options.dlqTopic).toBe('dlq.custom');
    expect(options.topics).toBeUndefined();
  });

  it('reads the topic rule variables', () => {
    expect(
      parseKafkaEnv({
        KAFKA_TOPIC_PREFIX: ' acme. ',
        KAFKA_STRICT_TOPICS: 'yes',
        KAFKA_DEFAULT_TOPICS: 'off',
      }),
    ).toEqual({ topicPrefix: 'acme.', strictTopics: true, defaultTopics: false });
  });

  it('takes an empty KAFKA_TOPIC_PREFIX for no prefix, not for unset', () => {
    expect(parseKafkaEnv({ KAFKA_TOPIC_PREFIX: '' })).toEqual({ topicPrefix: '' });
  });

  it('does not take the topic rule variables for domain mappings', () => {
    expect(
      parseKafkaEnv({ KAFKA_TOPIC_PREFIX: 'x.', KAFKA_STRICT_TOPICS: 'false', KAFKA_DEFAULT_TOPICS: 'true' })
        .topics,
    ).toBeUndefined();
  });

  it.each(['KAFKA_STRICT_TOPICS', 'KAFKA_DEFAULT_TOPICS'])(
    'rejects a value of %s that is not a boolean, naming the variable',
    (variable) => {
      const error = configError(() => parseKafkaEnv({ [variable]: 'sometimes' }));
      expect(error.setting).toBe(variable);
      expect(error.message).toContain('sometimes');
    },
  );

  it('reads SASL settings, whatever the case of the mechanism', () => {
    expect(
      parseKafkaEnv({
        KAFKA_SASL_MECHANISM: 'SCRAM-SHA-512',
        KAFKA_SASL_USERNAME: 'svc',
        KAFKA_SASL_PASSWORD: SECRET,
      }).sasl,
    ).toEqual({ mechanism: 'scram-sha-512', username: 'svc', password: SECRET });
  });

  it('rejects an unknown SASL mechanism, naming the variable and the value', () => {
    const error = configError(() =>
      resolveFromEnv({
        KAFKA_SASL_MECHANISM: 'gssapi',
        KAFKA_SASL_USERNAME: 'svc',
        KAFKA_SASL_PASSWORD: SECRET,
      }),
    );
    expect(error.setting).toBe('KAFKA_SASL_MECHANISM');
    expect(error.message).toContain('gssapi');
  });

  it('rejects a SASL mechanism without a password', () => {
    const error = configError(() =>
      resolveFromEnv({ KAFKA_SASL_MECHANISM: 'plain', KAFKA_SASL_USERNAME: 'svc' }),
    );
    expect(error.setting).toBe('KAFKA_SASL_PASSWORD');
    expect(error.message).toContain('KAFKA_SASL_PASSWORD');
  });

  it('rejects a SASL mechanism without a username', () => {
    const error = configError(() =>
      resolveFromEnv({ KAFKA_SASL_MECHANISM: 'plain', KAFKA_SASL_PASSWORD: SECRET }),
    );
    expect(error.setting).toBe('KAFKA_SASL_USERNAME');
    expect(error.message).toContain('KAFKA_SASL_USERNAME');
  });

  it('rejects a SASL password without a mechanism, asking for the mechanism', () => {
    const error = configError(() => parseKafkaEnv({ KAFKA_SASL_PASSWORD: SECRET }));
    expect(error.setting).toBe('KAFKA_SASL_MECHANISM');
    expect(error.message).toContain('KAFKA_SASL_PASSWORD');
    expect(error.message).toContain('KAFKA_SASL_MECHANISM');
  });

  it('rejects a SASL username without a mechanism, asking for the mechanism', () => {
    const error = configError(() => parseKafkaEnv({ KAFKA_SASL_USERNAME: 'svc' }));
    expect(error.setting).toBe('KAFKA_SASL_MECHANISM');
    expect(error.message).toContain('KAFKA_SASL_USERNAME');
  });

  it.each<[string, NodeJS.ProcessEnv]>([
    ['unknown mechanism', { KAFKA_SASL_MECHANISM: 'gssapi', KAFKA_SASL_USERNAME: 'svc' }],
    ['mechanism without username', { KAFKA_SASL_MECHANISM: 'plain' }],
    ['password without mechanism', {}],
    ['password and username without mechanism', { KAFKA_SASL_USERNAME: 'svc' }],
    [
      'invalid boolean beside SASL',
      { KAFKA_ENABLED: 'maybe', KAFKA_SASL_MECHANISM: 'plain', KAFKA_SASL_USERNAME: 'svc' },
    ],
  ])('never shows the SASL password in the error: %s', (_case, env) => {
    const error = configError(() => resolveFromEnv({ ...env, KAFKA_SASL_PASSWORD: SECRET }));
    expect(error.message).not.toContain(SECRET);
    expect(String(error.stack)).not.toContain(SECRET);
    expect(JSON.stringify(error)).not.toContain(SECRET);
  });
});

describe('parseBoolean', () => {
  it('names the setting and the value it cannot read', () => {
    expect(() => parseBoolean('KAFKA_SSL', 'enabled')).toThrow(/KAFKA_SSL.*"enabled"/);
  });
});

describe('parseKafkaEnv: KAFKA_WAIT_FOR_CONSUMERS_MS', () => {
  it('reads the bootstrap wait as a timeout in ms', () => {
    expect(parseKafkaEnv({ KAFKA_WAIT_FOR_CONSUMERS_MS: ' 15000 ' })).toEqual({
      waitForConsumers: { timeoutMs: 15_000 },
    });
  });

  it('refuses a value that is not a positive whole number of ms, naming the variable and the value', () => {
    expect(() => parseKafkaEnv({ KAFKA_WAIT_FOR_CONSUMERS_MS: 'true' })).toThrow(
      /KAFKA_WAIT_FOR_CONSUMERS_MS="true".*positive whole number of milliseconds/,
    );
  });
});
