/**
 * A reader's explanation of a kafkajs failure, from the error and the causes it wraps: what kind of problem
 * it is (authentication, TLS, authorisation, connection) and kafkajs' own words. Secrets are never part of
 * kafkajs messages; this adds none.
 */
export function describeKafkaError(error: unknown): string {
  const chain: { name: string; message: string; type?: string }[] = [];
  for (
    let e: unknown = error;
    e instanceof Error && chain.length < 10;
    e = (e as { cause?: unknown }).cause
  ) {
    chain.push({ name: e.name, message: e.message, type: (e as { type?: string }).type });
  }
  if (chain.length === 0) return String(error);
  const root = chain[chain.length - 1].message;
  if (chain.some((e) => e.name === 'KafkaJSSASLAuthenticationError')) return `authentication failed: ${root}`;
  if (chain.some((e) => TLS_FAILURE.test(e.message))) return `TLS handshake failed: ${root}`;
  if (
    chain.some((e) => (e.type ?? '').endsWith('AUTHORIZATION_FAILED') || /not authorized/i.test(e.message))
  ) {
    return `not authorized: ${root}`;
  }
  if (
    chain.some(
      (e) => e.name === 'KafkaJSConnectionError' || /ECONNREFUSED|ETIMEDOUT|EHOSTUNREACH/.test(e.message),
    )
  ) {
    return `unreachable: ${root}`;
  }
  return chain[0].message;
}

const TLS_FAILURE =
  /certificate|SSL routines|self[- ]signed|unable to verify|alert (bad|unknown|handshake)|wrong version number|ERR_SSL/i;
