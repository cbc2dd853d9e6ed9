import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { configError } from '../../test/support/config-error';
import { parseKafkaEnv } from './kafka-env.parser';
import { resolveKafkaOptions } from './kafka-options.resolver';

const PEM = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';

describe('security settings', () => {
  it('reads TLS material as PEM text (with escaped newlines) or as a file path', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kafka-tls-'));
    writeFileSync(join(dir, 'ca.pem'), PEM);
    const options = parseKafkaEnv({
      KAFKA_SSL_CA: join(dir, 'ca.pem'),
      KAFKA_SSL_CERT: PEM.replace(/\n/g, '\\n'),
      KAFKA_SSL_KEY: PEM,
      KAFKA_SSL_KEY_PASSWORD: 'key-pass-31f',
      KAFKA_SSL_REJECT_UNAUTHORIZED: 'false',
      KAFKA_CONNECTION_TIMEOUT_MS: '5000',
      KAFKA_DLQ_INCLUDE_STACK: 'false',
    });
    expect(options.ssl).toEqual({
      ca: [PEM],
      cert: PEM,
      key: PEM.trim(),
      passphrase: 'key-pass-31f',
      rejectUnauthorized: false,
    });
    expect(options.connectionTimeout).toBe(5000);
    expect(resolveKafkaOptions({}, { KAFKA_DLQ_INCLUDE_STACK: 'false' }).deadLetter.includeStack).toBe(false);
  });

  it('names the variable, never the content, when a TLS file cannot be read', () => {
    const error = configError(() =>
      parseKafkaEnv({
        KAFKA_SSL_KEY: '/nowhere/key.pem',
        KAFKA_SSL_CERT: PEM,
        KAFKA_SSL_KEY_PASSWORD: 'pw-9c1',
      }),
    );
    expect(error.setting).toBe('KAFKA_SSL_KEY');
    expect(error.message).toMatch(/neither PEM text nor a readable file: "\/nowhere\/key.pem" \(ENOENT\)/);
    expect(error.message).not.toContain('pw-9c1');
  });

  it('refuses contradictions: a certificate without its key, TLS material with KAFKA_SSL=false', () => {
    expect(() => parseKafkaEnv({ KAFKA_SSL_CERT: PEM })).toThrow(
      /KAFKA_SSL_CERT and KAFKA_SSL_KEY go together/,
    );
    expect(() => parseKafkaEnv({ KAFKA_SSL: 'false', KAFKA_SSL_CA: PEM })).toThrow(/KAFKA_SSL=false/);
  });

  it('explains that OAUTHBEARER needs a token provider from forRootAsync, and accepts one', () => {
    expect(() => parseKafkaEnv({ KAFKA_SASL_MECHANISM: 'OAUTHBEARER' })).toThrow(/forRootAsync/);
    expect(() => resolveKafkaOptions({ sasl: { mechanism: 'oauthbearer' } as never }, {})).toThrow(
      /oauthBearerProvider, a function/,
    );
    const provider = async () => ({ value: 'token' });
    const resolved = resolveKafkaOptions(
      { sasl: { mechanism: 'oauthbearer', oauthBearerProvider: provider } },
      {},
    );
    expect(resolved.sasl).toEqual({ mechanism: 'oauthbearer', oauthBearerProvider: provider });
  });
});
