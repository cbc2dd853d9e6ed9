import { KafkaClientError, KafkaClientErrorKind } from '../kafka-client.error';

const TLS_FAILURE =
  /certificate|SSL routines|self[- ]signed|unable to verify|alert (bad|unknown|handshake)|wrong version number|ERR_SSL/i;

/**
 * A kafkajs failure as the port's KafkaClientError: the kind read from the error and the causes it wraps
 * (kafkajs nests the socket's or the broker's error), and kafkajs' own `retriable` flag.
 */
export function toClientError(error: unknown): KafkaClientError {
  if (error instanceof KafkaClientError) return error;
  const chain: { name: string; message: string; type?: string; retriable?: boolean }[] = [];
  for (
    let e: unknown = error;
    e instanceof Error && chain.length < 10;
    e = (e as { cause?: unknown }).cause
  ) {
    const { type, retriable } = e as { type?: string; retriable?: boolean };
    chain.push({ name: e.name, message: e.message, type, retriable });
  }
  if (chain.length === 0) return new KafkaClientError('other', false, String(error), { cause: error });
  const root = chain[chain.length - 1].message;
  const kind = kindOf(chain);
  return new KafkaClientError(kind, chain[0].retriable === true, kind === 'other' ? chain[0].message : root, {
    cause: error,
  });
}

function kindOf(chain: { name: string; message: string; type?: string }[]): KafkaClientErrorKind {
  if (chain.some((e) => e.name === 'KafkaJSSASLAuthenticationError')) return 'authentication';
  if (chain.some((e) => TLS_FAILURE.test(e.message))) return 'tls';
  if (
    chain.some((e) => (e.type ?? '').endsWith('AUTHORIZATION_FAILED') || /not authorized/i.test(e.message))
  ) {
    return 'authorization';
  }
  if (
    chain.some(
      (e) => e.name === 'KafkaJSConnectionError' || /ECONNREFUSED|ETIMEDOUT|EHOSTUNREACH/.test(e.message),
    )
  ) {
    return 'unreachable';
  }
  return 'other';
}

/** Runs a kafkajs call and rethrows its failure as a KafkaClientError. */
export async function clientCall<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw toClientError(error);
  }
}
