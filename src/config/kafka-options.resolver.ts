import { KafkaConfigError } from '../errors/kafka-config.error';
import type {
  KafkaCompression,
  KafkaOauthBearerOptions,
  KafkaSaslOptions,
  SaslMechanismName,
} from '../interfaces/kafka-connection-options.interface';
import type {
  KafkaLogLevel,
  KafkaModuleOptions,
  ResolvedKafkaOptions,
} from './kafka-module-options.interface';
import {
  DEFAULT_BROKERS,
  DEFAULT_CONSUMERS_WAIT_MS,
  DEFAULT_CLIENT_ID,
  DEFAULT_DLQ_TOPIC,
  DEFAULT_TOPIC_MAP,
  DEFAULT_TOPIC_PREFIX,
} from '../kafka.constants';
import { invalidSetting, refusedUnderConsumerProtocol } from '../kafka.messages';
import { resolveRetryPolicy } from './retry-policy';
import { nonNegative, positive } from './setting-validators';
import { parseClientName, parseGroupProtocol, parseKafkaEnv } from './kafka-env.parser';
import { isLegalTopicName, isLegalTopicPrefix, SASL_MECHANISMS } from './kafka-names';

/**
 * Module options after the environment and the reference design's defaults are applied, validated.
 * Precedence: explicit options > environment variables > defaults. Throws KafkaConfigError naming the
 * setting (option and variable) and the value, never a secret.
 */
export function resolveKafkaOptions(
  explicit: KafkaModuleOptions = {},
  env: NodeJS.ProcessEnv = process.env,
): ResolvedKafkaOptions {
  const fromEnv = parseKafkaEnv(env);
  const pick = <K extends keyof KafkaModuleOptions>(key: K) => explicit[key] ?? fromEnv[key];
  const label = (key: keyof KafkaModuleOptions, variable: string) =>
    explicit[key] !== undefined ? key : variable;

  const createTopics = pick('createTopics');
  const explicitTopics = lowerKeys(explicit.topics);
  const resolved: ResolvedKafkaOptions = {
    enabled: pick('enabled') ?? true,
    brokers: parseBrokers(pick('brokers') ?? DEFAULT_BROKERS, label('brokers', 'KAFKA_BROKERS')),
    clientId: nonEmpty(pick('clientId') ?? DEFAULT_CLIENT_ID, label('clientId', 'KAFKA_CLIENT_ID')),
    dlqTopic: topicName(pick('dlqTopic') ?? DEFAULT_DLQ_TOPIC, label('dlqTopic', 'KAFKA_DLQ_TOPIC')),
    ssl: pick('ssl') ?? false,
    sasl: pick('sasl'),
    topics: {
      ...(pick('defaultTopics') === false ? {} : DEFAULT_TOPIC_MAP),
      ...lowerKeys(fromEnv.topics),
      ...explicitTopics,
    },
    topicPrefix: topicPrefix(
      pick('topicPrefix') ?? DEFAULT_TOPIC_PREFIX,
      label('topicPrefix', 'KAFKA_TOPIC_PREFIX'),
    ),
    strictTopics: pick('strictTopics') ?? false,
    createTopics: createTopics
      ? { numPartitions: 3, ...(typeof createTopics === 'object' ? createTopics : {}) }
      : false,
    connectionTimeout: positive(
      pick('connectionTimeout') ?? 3000,
      label('connectionTimeout', 'KAFKA_CONNECTION_TIMEOUT_MS'),
    ),
    requestTimeout: positive(
      pick('requestTimeout') ?? 30_000,
      label('requestTimeout', 'KAFKA_REQUEST_TIMEOUT_MS'),
    ),
    healthCheckTimeout: positive(explicit.healthCheckTimeout ?? 800, 'healthCheckTimeout'),
    health: {
      livenessTtlMs:
        explicit.health?.livenessTtlMs === undefined
          ? undefined
          : positive(explicit.health.livenessTtlMs, 'health.livenessTtlMs'),
    },
    logLevel: logLevelName(pick('logLevel') ?? 'warn', label('logLevel', 'KAFKA_LOG_LEVEL')),
    telemetry: {
      metrics: explicit.telemetry?.metrics ?? fromEnv.telemetry?.metrics ?? true,
      tracing: explicit.telemetry?.tracing ?? fromEnv.telemetry?.tracing ?? true,
    },
    consumer: {
      sessionTimeout: positive(explicit.consumer?.sessionTimeout ?? 30_000, 'consumer.sessionTimeout'),
      heartbeatInterval: positive(explicit.consumer?.heartbeatInterval ?? 3000, 'consumer.heartbeatInterval'),
      concurrency: positive(explicit.consumer?.concurrency ?? 1, 'consumer.concurrency'),
      keyConcurrency: positive(explicit.consumer?.keyConcurrency ?? 1, 'consumer.keyConcurrency'),
    },
    producer: {
      retries: positive(explicit.producer?.retries ?? 8, 'producer.retries'),
      maxRetryTimeMs: positive(explicit.producer?.maxRetryTimeMs ?? 30_000, 'producer.maxRetryTimeMs'),
      maxRecordBytes: positive(explicit.producer?.maxRecordBytes ?? 1_048_588, 'producer.maxRecordBytes'),
      lingerMs: nonNegative(explicit.producer?.lingerMs ?? 5, 'producer.lingerMs'),
      maxBatchSize: positive(explicit.producer?.maxBatchSize ?? 1000, 'producer.maxBatchSize'),
      compression: compressionName(explicit.producer?.compression ?? 'none'),
      readyTimeoutMs: positive(explicit.producer?.readyTimeoutMs ?? 5000, 'producer.readyTimeoutMs'),
    },
    deadLetter: {
      includeStack: explicit.deadLetter?.includeStack ?? fromEnv.deadLetter?.includeStack ?? true,
      maxStackBytes: positive(explicit.deadLetter?.maxStackBytes ?? 8192, 'deadLetter.maxStackBytes'),
      maxRecordBytes: positive(explicit.deadLetter?.maxRecordBytes ?? 1_048_588, 'deadLetter.maxRecordBytes'),
      replay: explicit.deadLetter?.replay ?? fromEnv.deadLetter?.replay ?? true,
    },
    client:
      explicit.client !== undefined
        ? parseClientName('client', explicit.client)
        : (fromEnv.client ?? 'kafkajs'),
    clientFactory: explicit.clientFactory,
    groupProtocol:
      explicit.groupProtocol !== undefined
        ? parseGroupProtocol('groupProtocol', explicit.groupProtocol)
        : (fromEnv.groupProtocol ?? 'classic'),
    retry: resolveRetryPolicy(explicit.retry),
    nonRetryable: explicit.nonRetryable,
    handlerTimeoutMs: nonNegative(explicit.handlerTimeoutMs ?? 300_000, 'handlerTimeoutMs'),
    shutdownTimeoutMs: positive(explicit.shutdownTimeoutMs ?? 30_000, 'shutdownTimeoutMs'),
    waitForConsumers: waitForConsumers(
      pick('waitForConsumers'),
      label('waitForConsumers', 'KAFKA_WAIT_FOR_CONSUMERS_MS'),
    ),
    skipRetryWaits: explicit.skipRetryWaits === true,
  };

  if (resolved.groupProtocol === 'consumer') refuseBrokerOwnedSettings(explicit);
  if (resolved.sasl) validateSasl(resolved.sasl, explicit.sasl === undefined);
  for (const [domain, topic] of Object.entries(resolved.topics)) {
    topicName(
      topic,
      Object.hasOwn(explicitTopics, domain) ? `topics.${domain}` : `KAFKA_${domain.toUpperCase()}_TOPIC`,
    );
  }
  if (resolved.createTopics) {
    positive(resolved.createTopics.numPartitions, 'createTopics.numPartitions');
    if (resolved.createTopics.replicationFactor !== undefined) {
      positive(resolved.createTopics.replicationFactor, 'createTopics.replicationFactor');
    }
  }
  return resolved;
}

function waitForConsumers(
  value: KafkaModuleOptions['waitForConsumers'],
  setting: string,
): ResolvedKafkaOptions['waitForConsumers'] {
  if (value === undefined || value === false) return false;
  const timeoutMs = value === true ? undefined : value.timeoutMs;
  if (timeoutMs === undefined) return { timeoutMs: DEFAULT_CONSUMERS_WAIT_MS };
  return {
    timeoutMs: positive(timeoutMs, setting === 'waitForConsumers' ? 'waitForConsumers.timeoutMs' : setting),
  };
}

/** KIP-848 moves the session timeout and heartbeat interval to the broker: a value set here would not apply. */
function refuseBrokerOwnedSettings(explicit: KafkaModuleOptions): void {
  const set = (['sessionTimeout', 'heartbeatInterval'] as const)
    .filter((key) => explicit.consumer?.[key] !== undefined)
    .map((key) => `consumer.${key}`);
  if (set.length > 0) throw new KafkaConfigError(set[0], refusedUnderConsumerProtocol(set));
}

const LOG_LEVELS: readonly KafkaLogLevel[] = ['nothing', 'error', 'warn', 'info', 'debug'];

function logLevelName(value: string, setting: string): KafkaLogLevel {
  const level = String(value).trim().toLowerCase() as KafkaLogLevel;
  if (!LOG_LEVELS.includes(level)) {
    throw new KafkaConfigError(
      setting,
      invalidSetting(setting, value, `must be one of ${LOG_LEVELS.join(', ')}`),
    );
  }
  return level;
}

function parseBrokers(value: string[] | string, setting: string): string[] {
  const list = (Array.isArray(value) ? value : value.split(',')).map((b) => b.trim()).filter(Boolean);
  if (list.length === 0) {
    throw new KafkaConfigError(setting, invalidSetting(setting, value, 'needs at least one host:port'));
  }
  for (const broker of list) {
    const match = /^(.+):(\d+)$/.exec(broker);
    const port = match ? Number(match[2]) : NaN;
    if (!match || port < 1 || port > 65535) {
      throw new KafkaConfigError(
        setting,
        invalidSetting(setting, value, `"${broker}" is not host:port with a port from 1 to 65535`),
      );
    }
  }
  return list;
}

/**
 * The one check of SASL settings, from options or from the environment (`fromEnv`): each error names what to
 * change there, and none shows the password.
 */
function validateSasl(sasl: KafkaSaslOptions | KafkaOauthBearerOptions, fromEnv: boolean): void {
  const setting = fromEnv ? 'KAFKA_SASL_MECHANISM' : 'sasl';
  const mechanism = String(sasl.mechanism).toLowerCase();
  if (mechanism === 'oauthbearer') {
    if (typeof (sasl as KafkaOauthBearerOptions).oauthBearerProvider !== 'function') {
      throw new KafkaConfigError(
        setting,
        'sasl.mechanism oauthbearer needs sasl.oauthBearerProvider, a function',
      );
    }
    return;
  }
  if (!SASL_MECHANISMS.includes(mechanism as SaslMechanismName)) {
    throw new KafkaConfigError(
      setting,
      invalidSetting(
        setting,
        sasl.mechanism,
        `must be one of ${SASL_MECHANISMS.join(', ')}${fromEnv ? '' : ', or oauthbearer'}`,
      ),
    );
  }
  const { username, password } = sasl as KafkaSaslOptions;
  for (const [value, field, variable] of [
    [username, 'username', 'KAFKA_SASL_USERNAME'],
    [password, 'password', 'KAFKA_SASL_PASSWORD'],
  ] as const) {
    if (value) continue;
    throw new KafkaConfigError(
      fromEnv ? variable : `sasl.${field}`,
      fromEnv
        ? `${variable} is required when KAFKA_SASL_MECHANISM=${mechanism}`
        : `sasl.${field} is required for ${mechanism}`,
    );
  }
}

function nonEmpty(value: string, setting: string): string {
  if (typeof value !== 'string' || value.trim() === '') {
    throw new KafkaConfigError(setting, invalidSetting(setting, value, 'must not be empty'));
  }
  return value.trim();
}

function topicName(value: string, setting: string): string {
  if (!isLegalTopicName(value)) {
    throw new KafkaConfigError(
      setting,
      invalidSetting(
        setting,
        value,
        'is not a Kafka topic name (letters, digits, ".", "_", "-"; at most 249)',
      ),
    );
  }
  return value;
}

function topicPrefix(value: string, setting: string): string {
  if (!isLegalTopicPrefix(value)) {
    throw new KafkaConfigError(
      setting,
      invalidSetting(
        setting,
        value,
        'must be "" or the start of a Kafka topic name (letters, digits, ".", "_", "-"; at most 248), ' +
          'since a domain with no mapping gets the topic "<prefix><domain>"',
      ),
    );
  }
  return value;
}

const COMPRESSIONS: readonly KafkaCompression[] = ['none', 'gzip', 'snappy', 'lz4', 'zstd'];

function compressionName(value: string): KafkaCompression {
  if ((COMPRESSIONS as readonly string[]).includes(value)) return value as KafkaCompression;
  throw new KafkaConfigError(
    'producer.compression',
    invalidSetting('producer.compression', value, `must be one of ${COMPRESSIONS.join(', ')}`),
  );
}

function lowerKeys(map: Record<string, string> | undefined): Record<string, string> {
  return Object.fromEntries(Object.entries(map ?? {}).map(([k, v]) => [k.toLowerCase(), v]));
}
