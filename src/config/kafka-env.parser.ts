import { KafkaConfigError } from '../errors/kafka-config.error';
import { KafkaModuleOptions, SaslMechanismName } from '../interfaces/kafka-module-options.interface';
import { invalidSetting, REDACTED } from '../kafka.messages';

const SASL_MECHANISMS: readonly SaslMechanismName[] = ['plain', 'scram-sha-256', 'scram-sha-512'];
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
  const dlqTopic = get('KAFKA_DLQ_TOPIC');
  if (dlqTopic !== undefined) options.dlqTopic = dlqTopic;
  const ssl = get('KAFKA_SSL');
  if (ssl !== undefined) options.ssl = parseBoolean('KAFKA_SSL', ssl);
  const createTopics = get('KAFKA_CREATE_TOPICS');
  if (createTopics !== undefined) options.createTopics = parseBoolean('KAFKA_CREATE_TOPICS', createTopics);

  const mechanism = get('KAFKA_SASL_MECHANISM');
  const username = get('KAFKA_SASL_USERNAME');
  const password = env.KAFKA_SASL_PASSWORD;
  if (mechanism !== undefined) {
    const normalized = mechanism.toLowerCase() as SaslMechanismName;
    if (!SASL_MECHANISMS.includes(normalized)) {
      throw new KafkaConfigError(
        'KAFKA_SASL_MECHANISM',
        invalidSetting('KAFKA_SASL_MECHANISM', mechanism, `must be one of ${SASL_MECHANISMS.join(', ')}`),
      );
    }
    if (!username) {
      throw new KafkaConfigError(
        'KAFKA_SASL_USERNAME',
        `KAFKA_SASL_USERNAME is required when KAFKA_SASL_MECHANISM=${normalized}`,
      );
    }
    if (!password) {
      throw new KafkaConfigError(
        'KAFKA_SASL_PASSWORD',
        `KAFKA_SASL_PASSWORD is required when KAFKA_SASL_MECHANISM=${normalized}`,
      );
    }
    options.sasl = { mechanism: normalized, username, password };
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

export function parseBoolean(name: string, value: string): boolean {
  const normalized = value.trim().toLowerCase();
  if (['true', '1', 'yes', 'on'].includes(normalized)) return true;
  if (['false', '0', 'no', 'off'].includes(normalized)) return false;
  throw new KafkaConfigError(name, invalidSetting(name, value, 'must be true or false'));
}
