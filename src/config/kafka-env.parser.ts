import { readFileSync } from 'node:fs';
import type { ConnectionOptions } from 'node:tls';
import { KafkaConfigError } from '../errors/kafka-config.error';
import type {
  KafkaClientName,
  KafkaGroupProtocol,
  SaslMechanismName,
} from '../interfaces/kafka-connection-options.interface';
import type { KafkaModuleOptions } from './kafka-module-options.interface';
import { invalidSetting, REDACTED } from '../kafka.messages';
import { GROUP_PROTOCOLS, KAFKA_CLIENTS, SASL_MECHANISMS } from './kafka-names';

const TOPIC_VARIABLE = /^KAFKA_([A-Z0-9_]+)_TOPIC$/;
/** KAFKA_<X>_TOPIC variables that are not domain mappings. */
const NOT_DOMAINS = new Set(['DLQ']);

/**
 * Reads the reference design's environment variables into module options. Only variables that are set
 * appear in the result, so explicit module options and defaults can fill the rest. Pure: no I/O.
 */
export function parseKafkaEnv(env: NodeJS.ProcessEnv = process.env): KafkaModuleOptions {
  const options: KafkaModuleOptions = {};
  const get = (name: string) => {
    const value = env[name]?.trim();
    return value === undefined || value === '' ? undefined : value;
  };

  const enabled = get('KAFKA_ENABLED');
  if (enabled !== undefined) options.enabled = parseBoolean('KAFKA_ENABLED', enabled);
  const brokers = env.KAFKA_BROKERS;
  if (brokers !== undefined) options.brokers = brokers;
  const clientId = get('KAFKA_CLIENT_ID');
  if (clientId !== undefined) options.clientId = clientId;
  const client = get('KAFKA_CLIENT');
  if (client !== undefined) options.client = parseClientName('KAFKA_CLIENT', client);
  const groupProtocol = get('KAFKA_GROUP_PROTOCOL');
  if (groupProtocol !== undefined) {
    options.groupProtocol = parseGroupProtocol('KAFKA_GROUP_PROTOCOL', groupProtocol);
  }
  const dlqTopic = get('KAFKA_DLQ_TOPIC');
  if (dlqTopic !== undefined) options.dlqTopic = dlqTopic;
  const ssl = get('KAFKA_SSL');
  if (ssl !== undefined) options.ssl = parseBoolean('KAFKA_SSL', ssl);
  const tls = parseTlsEnv(get);
  if (tls) {
    if (options.ssl === false) {
      throw new KafkaConfigError(
        'KAFKA_SSL',
        'KAFKA_SSL=false while KAFKA_SSL_CA/CERT/KEY are set: remove one or the other',
      );
    }
    options.ssl = tls;
  }
  for (const [variable, option] of [
    ['KAFKA_CONNECTION_TIMEOUT_MS', 'connectionTimeout'],
    ['KAFKA_REQUEST_TIMEOUT_MS', 'requestTimeout'],
  ] as const) {
    const value = get(variable);
    if (value !== undefined) options[option] = parseWholeNumber(variable, value);
  }
  const waitForConsumers = get('KAFKA_WAIT_FOR_CONSUMERS_MS');
  if (waitForConsumers !== undefined) {
    options.waitForConsumers = {
      timeoutMs: parseWholeNumber('KAFKA_WAIT_FOR_CONSUMERS_MS', waitForConsumers),
    };
  }
  const includeStack = get('KAFKA_DLQ_INCLUDE_STACK');
  if (includeStack !== undefined) {
    options.deadLetter = { includeStack: parseBoolean('KAFKA_DLQ_INCLUDE_STACK', includeStack) };
  }
  const replay = get('KAFKA_DLQ_REPLAY');
  if (replay !== undefined) {
    options.deadLetter = { ...options.deadLetter, replay: parseBoolean('KAFKA_DLQ_REPLAY', replay) };
  }
  const metrics = get('KAFKA_METRICS');
  if (metrics !== undefined)
    options.telemetry = { ...options.telemetry, metrics: parseBoolean('KAFKA_METRICS', metrics) };
  const logLevel = get('KAFKA_LOG_LEVEL');
  if (logLevel !== undefined) options.logLevel = logLevel.toLowerCase() as KafkaModuleOptions['logLevel'];
  const tracing = get('KAFKA_TRACING');
  if (tracing !== undefined)
    options.telemetry = { ...options.telemetry, tracing: parseBoolean('KAFKA_TRACING', tracing) };
  const createTopics = get('KAFKA_CREATE_TOPICS');
  if (createTopics !== undefined) options.createTopics = parseBoolean('KAFKA_CREATE_TOPICS', createTopics);
  // Unlike the other variables, a prefix set to '' means something: derived topics are the bare domain.
  const topicPrefix = env.KAFKA_TOPIC_PREFIX;
  if (topicPrefix !== undefined) options.topicPrefix = topicPrefix.trim();
  const strictTopics = get('KAFKA_STRICT_TOPICS');
  if (strictTopics !== undefined) options.strictTopics = parseBoolean('KAFKA_STRICT_TOPICS', strictTopics);
  const defaultTopics = get('KAFKA_DEFAULT_TOPICS');
  if (defaultTopics !== undefined) {
    options.defaultTopics = parseBoolean('KAFKA_DEFAULT_TOPICS', defaultTopics);
  }

  const mechanism = get('KAFKA_SASL_MECHANISM');
  const username = get('KAFKA_SASL_USERNAME');
  const password = env.KAFKA_SASL_PASSWORD;
  if (mechanism !== undefined) {
    const normalized = mechanism.toLowerCase() as SaslMechanismName;
    if (normalized === ('oauthbearer' as string)) {
      throw new KafkaConfigError(
        'KAFKA_SASL_MECHANISM',
        'KAFKA_SASL_MECHANISM=oauthbearer needs a token provider, which an environment variable cannot hold: ' +
          "use KafkaModule.forRootAsync({ useFactory: () => ({ sasl: { mechanism: 'oauthbearer', oauthBearerProvider } }) })",
      );
    }
    // Validated with the explicit options, in one place (kafka-options.resolver.ts), naming these variables.
    options.sasl = { mechanism: normalized, username: username ?? '', password: password ?? '' };
  } else if (username !== undefined || password) {
    const given = username !== undefined ? 'KAFKA_SASL_USERNAME' : 'KAFKA_SASL_PASSWORD';
    throw new KafkaConfigError(
      'KAFKA_SASL_MECHANISM',
      `${given} is set but KAFKA_SASL_MECHANISM is not (one of ${SASL_MECHANISMS.join(', ')}); ` +
        `password ${password ? REDACTED : 'not set'}`,
    );
  }

  for (const [name, value] of Object.entries(env)) {
    const match = TOPIC_VARIABLE.exec(name);
    if (!match || NOT_DOMAINS.has(match[1]) || value === undefined || value.trim() === '') continue;
    (options.topics ??= {})[match[1].toLowerCase()] = value.trim();
  }
  return options;
}

/**
 * TLS material from KAFKA_SSL_CA, KAFKA_SSL_CERT, KAFKA_SSL_KEY (each a PEM text or a file path),
 * KAFKA_SSL_KEY_PASSWORD and KAFKA_SSL_REJECT_UNAUTHORIZED. Contents and the password never reach a message.
 */
function parseTlsEnv(get: (name: string) => string | undefined): ConnectionOptions | undefined {
  const ca = get('KAFKA_SSL_CA');
  const cert = get('KAFKA_SSL_CERT');
  const key = get('KAFKA_SSL_KEY');
  const passphrase = get('KAFKA_SSL_KEY_PASSWORD');
  const reject = get('KAFKA_SSL_REJECT_UNAUTHORIZED');
  if (ca === undefined && cert === undefined && key === undefined && reject === undefined) return undefined;
  if ((cert === undefined) !== (key === undefined)) {
    throw new KafkaConfigError(
      cert === undefined ? 'KAFKA_SSL_CERT' : 'KAFKA_SSL_KEY',
      'KAFKA_SSL_CERT and KAFKA_SSL_KEY go together: a client certificate needs its private key',
    );
  }
  const tls: ConnectionOptions = {};
  if (ca !== undefined) tls.ca = [readPem('KAFKA_SSL_CA', ca)];
  if (cert !== undefined) tls.cert = readPem('KAFKA_SSL_CERT', cert);
  if (key !== undefined) tls.key = readPem('KAFKA_SSL_KEY', key);
  if (passphrase !== undefined) tls.passphrase = passphrase;
  if (reject !== undefined) tls.rejectUnauthorized = parseBoolean('KAFKA_SSL_REJECT_UNAUTHORIZED', reject);
  return tls;
}

/** A PEM given inline (with real or escaped newlines) or as a path to a file; the content is never echoed. */
function readPem(variable: string, value: string): string {
  if (value.includes('-----BEGIN')) return value.replace(/\\n/g, '\n');
  try {
    return readFileSync(value, 'utf8');
  } catch (error) {
    throw new KafkaConfigError(
      variable,
      `${variable} is neither PEM text nor a readable file: "${value}" (${(error as NodeJS.ErrnoException).code})`,
    );
  }
}

function parseWholeNumber(name: string, value: string): number {
  const number = Number(value);
  if (!Number.isInteger(number) || number <= 0) {
    throw new KafkaConfigError(
      name,
      invalidSetting(name, value, 'must be a positive whole number of milliseconds'),
    );
  }
  return number;
}

export function parseClientName(setting: string, value: string): KafkaClientName {
  const name = value.trim().toLowerCase();
  if ((KAFKA_CLIENTS as readonly string[]).includes(name)) return name as KafkaClientName;
  throw new KafkaConfigError(
    setting,
    invalidSetting(setting, value, `must be one of ${KAFKA_CLIENTS.join(', ')}`),
  );
}

export function parseGroupProtocol(setting: string, value: string): KafkaGroupProtocol {
  const name = String(value).trim().toLowerCase();
  if ((GROUP_PROTOCOLS as readonly string[]).includes(name)) return name as KafkaGroupProtocol;
  throw new KafkaConfigError(
    setting,
    invalidSetting(setting, value, `must be one of ${GROUP_PROTOCOLS.join(', ')}`),
  );
}

export function parseBoolean(name: string, value: string): boolean {
  const normalized = value.trim().toLowerCase();
  if (['true', '1', 'yes', 'on'].includes(normalized)) return true;
  if (['false', '0', 'no', 'off'].includes(normalized)) return false;
  throw new KafkaConfigError(name, invalidSetting(name, value, 'must be true or false'));
}
