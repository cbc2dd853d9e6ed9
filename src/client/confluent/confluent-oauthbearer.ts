/** What librdkafka's token refresh needs beside the token: who it names, and until when (ms since the epoch). */
export interface ConfluentOauthToken {
  tokenValue: string;
  principal: string;
  lifetime: number;
}

/** How the client hands a token, or why there is none, to librdkafka. */
type ConfluentTokenDelivery = (error: Error | null, token?: ConfluentOauthToken) => void;

/** librdkafka's `oauthbearer_token_refresh_cb`, callback form: it returns nothing and delivers by itself. */
type ConfluentTokenRefresh = (config: unknown, deliver: ConfluentTokenDelivery) => void;

/** When a token says nothing of its expiry, librdkafka asks again after 80 % of this. */
const UNKNOWN_LIFETIME_MS = 15 * 60_000;

/**
 * The library's (kafkajs') `oauthBearerProvider` returns `{ value }` alone; librdkafka wants `principal` and
 * `lifetime` too. They come from the token's own claims (`sub`, `exp`) when it is a JWT, else the principal
 * is empty and the lifetime 15 minutes from now.
 *
 * Given to librdkafka directly rather than through its KafkaJS API's `oauthBearerProvider`, which chains the
 * delivery on the provider's promise: a token that arrives after its client was closed makes the native
 * call throw a plain `{ code: -172, message: 'Local: Erroneous state' }` from that chain, an unhandled
 * rejection that ends the process (1.10.1). Here the delivery is called by this code, and a client that
 * is gone is simply not given its token.
 */
export function confluentTokenRefresh(
  provider: () => Promise<{ value: string }>,
  now: () => number = Date.now,
): ConfluentTokenRefresh {
  return (_config, deliver) => {
    const handOver = (error: Error | null, token?: ConfluentOauthToken) => {
      try {
        deliver(error, token);
      } catch {
        // The client was closed while the token was on its way: nobody is left to take it.
      }
    };
    Promise.resolve()
      .then(provider)
      .then(
        (token) => handOver(null, withClaims(token.value, now)),
        (error: unknown) => handOver(error instanceof Error ? error : new Error(String(error))),
      );
  };
}

function withClaims(value: string, now: () => number): ConfluentOauthToken {
  const claims = jwtClaims(value);
  const exp = typeof claims.exp === 'number' ? claims.exp * 1000 : undefined;
  return {
    tokenValue: value,
    principal: typeof claims.sub === 'string' ? claims.sub : '',
    lifetime: exp ?? now() + UNKNOWN_LIFETIME_MS,
  };
}

function jwtClaims(value: string): { sub?: unknown; exp?: unknown } {
  const payload = value.split('.')[1];
  if (!payload) return {};
  try {
    const claims: unknown = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
    return claims && typeof claims === 'object' ? claims : {};
  } catch {
    return {};
  }
}
