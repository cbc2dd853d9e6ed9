import type {
  KafkaClientName,
  KafkaGroupProtocol,
  SaslMechanismName,
} from '../interfaces/kafka-connection-options.interface';

/** The SASL mechanisms that take a username and password. */
/** The clients `client` / KAFKA_CLIENT names (docs/clients.md). */
export const KAFKA_CLIENTS: readonly KafkaClientName[] = ['kafkajs', 'confluent'];

/** The group protocols `groupProtocol` / KAFKA_GROUP_PROTOCOL names. */
export const GROUP_PROTOCOLS: readonly KafkaGroupProtocol[] = ['classic', 'consumer'];

export const SASL_MECHANISMS: readonly SaslMechanismName[] = ['plain', 'scram-sha-256', 'scram-sha-512'];

/** Kafka's own rule for topic names: letters, digits, ".", "_", "-", at most 249, and not "." or "..". */
export function isLegalTopicName(name: unknown): name is string {
  return typeof name === 'string' && /^[a-zA-Z0-9._-]{1,249}$/.test(name) && name !== '.' && name !== '..';
}

/** A prefix that leaves room for at least one character of a domain in a legal topic name; may be ''. */
export function isLegalTopicPrefix(prefix: unknown): prefix is string {
  return typeof prefix === 'string' && /^[a-zA-Z0-9._-]{0,248}$/.test(prefix);
}
