import { ConfluentOauthToken, confluentTokenRefresh } from './confluent-oauthbearer';

const jwt = (claims: object) =>
  [{ alg: 'none' }, claims].map((part) => Buffer.from(JSON.stringify(part)).toString('base64url')).join('.') +
  '.';

/** Runs one refresh and resolves with what librdkafka was handed. */
function refreshed(
  provider: () => Promise<{ value: string }>,
  now?: () => number,
): Promise<{ error: Error | null; token?: ConfluentOauthToken }> {
  return new Promise((resolve) =>
    confluentTokenRefresh(provider, now)({}, (error, token) => resolve({ error, token })),
  );
}

describe('confluentTokenRefresh', () => {
  it('gives librdkafka the token with its subject as principal and its expiry as lifetime', async () => {
    const value = jwt({ sub: 'oauth-user', exp: 2_000_000_000 });
    await expect(refreshed(async () => ({ value }))).resolves.toEqual({
      error: null,
      token: { tokenValue: value, principal: 'oauth-user', lifetime: 2_000_000_000_000 },
    });
  });

  it('gives an opaque token an empty principal and a lifetime of 15 minutes', async () => {
    const { token } = await refreshed(
      async () => ({ value: 'opaque-token' }),
      () => 1000,
    );
    expect(token).toEqual({ tokenValue: 'opaque-token', principal: '', lifetime: 1000 + 900_000 });
  });

  it('hands a provider failure, thrown or rejected, to librdkafka as an Error', async () => {
    const rejected = await refreshed(() => Promise.reject(new Error('identity provider down')));
    expect(rejected.error).toEqual(new Error('identity provider down'));
    const thrown = await refreshed(() => {
      throw new Error('no credentials configured');
    });
    expect(thrown.error).toEqual(new Error('no credentials configured'));
  });

  // Jest fails the test in which a rejection goes unhandled: this one, if the delivery's throw escaped.
  it('keeps a delivery to a closed client (librdkafka throws a plain object) from becoming an unhandled rejection', async () => {
    let attempts = 0;
    let delivered!: () => void;
    const attempted = new Promise<void>((resolve) => (delivered = resolve));
    confluentTokenRefresh(async () => ({ value: 'late-token' }))({}, () => {
      attempts++;
      delivered();
      throw { code: -172, message: 'Local: Erroneous state' };
    });
    await attempted;
    // Unhandled rejections are reported once the microtask queue drains: one macrotask later at most.
    await new Promise((resolve) => setImmediate(resolve));
    expect(attempts).toBe(1);
  });
});
