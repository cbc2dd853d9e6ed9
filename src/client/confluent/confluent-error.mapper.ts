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

/** librdkafka's log lines that say why a connection was refused (its errors only say "transport failure"). */
const REFUSALS: [KafkaClientErrorKind, RegExp][] = [
  ['authentication', /SASL authentication (error|failure)|Authentication failed|OAUTHBEARER token/i],
  [
    'tls',
    /SSL handshake failed|certificate|SSL routines|self[- ]signed|alert (bad|unknown|handshake)|ssl\.ca|SSL transport error/i,
  ],
];

/** How long a refusal seen in the logs explains a transport failure that follows it. */
const REFUSAL_TTL_MS = 60_000;

/**
 * The last connection refusal librdkafka logged for one client (one `Kafka` instance): librdkafka reports
 * a refused password or certificate to the caller as "broker transport failure" / "all broker connections
 * are down" and gives the reason in its log. A transport failure that follows a logged refusal is that
 * refusal. The lines hold no secret (librdkafka never logs a password, key or token).
 */
export class ConnectionRefusals {
  private last?: { kind: KafkaClientErrorKind; detail: string; at: number };

  constructor(private readonly now: () => number = Date.now) {}

  /** A librdkafka log line (error or warning). */
  note(line: string): void {
    // A warning before the handshake, not the refusal (the broker's alert follows it).
    if (/not sending any client certificates/.test(line)) return;
    const found = REFUSALS.find(([, pattern]) => pattern.test(line));
    if (found) this.last = { kind: found[0], detail: reasonOf(line), at: this.now() };
  }

  /** An error that named the refusal itself (another of the client's connections may only see a transport failure). */
  noteError(error: KafkaClientError): void {
    if (error.kind === 'authentication' || error.kind === 'tls') {
      this.last = { kind: error.kind, detail: reasonOf(error.detail), at: this.now() };
    }
  }

  explain(error: KafkaClientError): KafkaClientError {
    const last = this.last;
    if (!last || this.now() - last.at > REFUSAL_TTL_MS) return error;
    if (error.kind !== 'unreachable' && error.kind !== 'other') return error;
    return new KafkaClientError(last.kind, false, last.detail, { cause: error.cause ?? error });
  }
}

/** "[thrd:…]: ssl://host:port/bootstrap: SSL handshake failed: … (after 3ms in state …)" → the reason alone. */
function reasonOf(line: string): string {
  return line
    .replace(/^\[thrd:[^\]]*\]:\s*/, '')
    .replace(/^[a-z_]+:\/\/[^\s]+?:\s/i, '')
    .replace(/^[^\s]+\/(bootstrap|\d+):\s/, '')
    .replace(/\s*\(after \d+ms in state .*\)\s*$/, '')
    .trim();
}

/**
 * A @confluentinc/kafka-javascript failure as the port's KafkaClientError. Its KafkaJS-compatible API throws
 * errors with kafkajs' names, `type` and `retriable` (KafkaJSSASLAuthenticationError, …), so kafkajs' mapping
 * applies (it reads those fields only, and imports nothing of kafkajs); librdkafka's local types refine it,
 * and a refusal its log gave the reason for names that reason.
 */
export function toClientError(error: unknown, refusals?: ConnectionRefusals): KafkaClientError {
  const mapped = fromKafkajsShape(error);
  const kind =
    mapped.kind === 'other' ? LOCAL_KINDS[(error as { type?: string } | undefined)?.type ?? ''] : undefined;
  const refined = kind
    ? new KafkaClientError(kind, mapped.retriable, mapped.detail, { cause: error })
    : mapped;
  if (!refusals) return refined;
  refusals.noteError(refined);
  return refusals.explain(refined);
}

export async function clientCall<T>(call: () => Promise<T>, refusals?: ConnectionRefusals): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw toClientError(error, refusals);
  }
}
