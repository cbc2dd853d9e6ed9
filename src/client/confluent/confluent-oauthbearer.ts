/** What librdkafka's token refresh needs beside the token: who it names, and until when (ms since the epoch). */
export interface ConfluentOauthToken {
  value: string;
  principal: string;
  lifetime: number;
}

/** When a token says nothing of its expiry, librdkafka asks again after 80 % of this. */
const UNKNOWN_LIFETIME_MS = 15 * 60_000;

/**
 * The library's (kafkajs') `oauthBearerProvider` returns `{ value }` alone; @confluentinc/kafka-javascript
 * refuses a token without `principal` and `lifetime`. They come from the token's own claims (`sub`, `exp`)
 * when it is a JWT, else the principal is empty and the lifetime 15 minutes from now.
 */
export function confluentOauthBearerProvider(
  provider: () => Promise<{ value: string }>,
  now: () => number = Date.now,
): () => Promise<ConfluentOauthToken> {
  return async () => {
    const token = await provider();
    const claims = jwtClaims(token.value);
    const exp = typeof claims.exp === 'number' ? claims.exp * 1000 : undefined;
    return {
      ...token,
      principal: typeof claims.sub === 'string' ? claims.sub : '',
      lifetime: exp ?? now() + UNKNOWN_LIFETIME_MS,
    };
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
