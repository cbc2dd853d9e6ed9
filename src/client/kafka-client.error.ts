/** What kind of failure a client met, in the words an operator acts on. */
export type KafkaClientErrorKind = 'authentication' | 'tls' | 'authorization' | 'unreachable' | 'other';

const LABELS: Record<KafkaClientErrorKind, string> = {
  authentication: 'authentication failed',
  tls: 'TLS handshake failed',
  authorization: 'not authorized',
  unreachable: 'unreachable',
  other: '',
};

/**
 * The one error type that crosses the client port: each adapter turns its client's errors into this, with
 * the kind of problem, whether the client considers it retriable, and the client's own error as `cause`.
 */
export class KafkaClientError extends Error {
  override readonly name = 'KafkaClientError';

  constructor(
    readonly kind: KafkaClientErrorKind,
    /** true when the same call may succeed later (a broker moving, a leader election, a lost connection). */
    readonly retriable: boolean,
    /** The client's words for the deepest cause. */
    readonly detail: string,
    options?: { cause?: unknown },
  ) {
    super(kind === 'other' ? detail : `${LABELS[kind]}: ${detail}`, options);
  }
}

/** A reader's explanation of a failure that came through the client port (or any other error). Never a secret. */
export function describeKafkaError(error: unknown): string {
  for (let e: unknown = error, depth = 0; e instanceof Error && depth < 10; depth++) {
    if (e instanceof KafkaClientError) return e.message;
    e = (e as { cause?: unknown }).cause;
  }
  return error instanceof Error ? error.message : String(error);
}
