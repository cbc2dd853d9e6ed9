import { confluentOauthBearerProvider } from './confluent-oauthbearer';

const jwt = (claims: object) =>
  [{ alg: 'none' }, claims].map((part) => Buffer.from(JSON.stringify(part)).toString('base64url')).join('.') +
  '.';

describe('confluentOauthBearerProvider', () => {
  it('gives librdkafka the token with its subject as principal and its expiry as lifetime', async () => {
    const value = jwt({ sub: 'oauth-user', exp: 2_000_000_000 });
    const provide = confluentOauthBearerProvider(async () => ({ value }));
    await expect(provide()).resolves.toEqual({ value, principal: 'oauth-user', lifetime: 2_000_000_000_000 });
  });

  it('gives an opaque token an empty principal and a lifetime of 15 minutes', async () => {
    const provide = confluentOauthBearerProvider(
      async () => ({ value: 'opaque-token' }),
      () => 1000,
    );
    await expect(provide()).resolves.toEqual({
      value: 'opaque-token',
      principal: '',
      lifetime: 1000 + 900_000,
    });
  });
});
