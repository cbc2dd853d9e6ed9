import { KafkaClientError, KafkaClientErrorKind } from '../kafka-client.error';
import { toClientError as fromKafkajsShape } from '../kafkajs/kafkajs-error.mapper';

/** librdkafka's local error types (`ERR__…`) that name a kind the KafkaJS-shaped error does not show. */
const LOCAL_KINDS: Record<string, KafkaClientErrorKind> = {
  ERR__AUTHENTICATION: 'authentication',
  ERR__SSL: 'tls',
  ERR__TRANSPORT: 'unreachable',
  ERR__ALL_BROKERS_DOWN: 'unreachable',
  ERR__RESOLVE: 'unreachable',
};

/**
 * A @confluentinc/kafka-javascript failure as the port's KafkaClientError. Its KafkaJS-compatible API throws
 * errors with kafkajs' names, `type` and `retriable` (KafkaJSSASLAuthenticationError, …), so kafkajs' mapping
 * applies (it reads those fields only, and imports nothing of kafkajs); librdkafka's local types refine it.
 */
export function toClientError(error: unknown): KafkaClientError {
  const mapped = fromKafkajsShape(error);
  if (mapped.kind !== 'other') return mapped;
  const kind = LOCAL_KINDS[(error as { type?: string } | undefined)?.type ?? ''];
  return kind ? new KafkaClientError(kind, mapped.retriable, mapped.detail, { cause: error }) : mapped;
}

export async function clientCall<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw toClientError(error);
  }
}
