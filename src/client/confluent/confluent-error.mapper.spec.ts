import { KafkaClientError } from '../kafka-client.error';
import { ConnectionRefusals, toClientError } from './confluent-error.mapper';

/** What the KafkaJS API rejects connect() with when librdkafka's connections fail: the reason is not in it. */
const transportFailure = () =>
  Object.assign(new Error('Local: Broker transport failure'), { name: 'KafkaJSConnectionError' });

describe('confluent errors', () => {
  it('names the TLS reason librdkafka logged for a refused handshake, not "broker transport failure"', () => {
    const refusals = new ConnectionRefusals();
    refusals.note(
      '[thrd:ssl://127.0.0.1:39111/bootstrap]: ssl://127.0.0.1:39111/bootstrap: SSL handshake failed: ' +
        'error:0A000086:SSL routines::certificate verify failed (after 4ms in state SSL_HANDSHAKE)',
    );
    const error = toClientError(transportFailure(), refusals);
    expect(error).toMatchObject({ kind: 'tls', retriable: false });
    expect(error.message).toBe(
      'TLS handshake failed: SSL handshake failed: error:0A000086:SSL routines::certificate verify failed',
    );
  });

  it('names a refused password as an authentication failure', () => {
    const refusals = new ConnectionRefusals();
    refusals.note(
      '[thrd:sasl_plaintext://127.0.0.1:39112/bootstrap]: sasl_plaintext://127.0.0.1:39112/bootstrap: SASL ' +
        'authentication error: Authentication failed: Invalid username or password (after 2ms in state AUTH_REQ)',
    );
    expect(toClientError(transportFailure(), refusals).message).toBe(
      'authentication failed: SASL authentication error: Authentication failed: Invalid username or password',
    );
  });

  it('leaves a transport failure as unreachable when nothing was refused, or the refusal is a minute old', () => {
    let now = 0;
    const refusals = new ConnectionRefusals(() => now);
    expect(toClientError(transportFailure(), refusals).kind).toBe('unreachable');
    refusals.note('ssl://h:1/bootstrap: SSL handshake failed: certificate verify failed');
    now = 60_001;
    expect(toClientError(transportFailure(), refusals).kind).toBe('unreachable');
  });

  it('keeps a kind the error itself shows', () => {
    const refusals = new ConnectionRefusals();
    refusals.note('SSL handshake failed: certificate verify failed');
    const denied = new KafkaClientError('authorization', false, 'Topic authorization failed');
    expect(toClientError(denied, refusals)).toBe(denied);
  });
});

describe('confluent errors across connections', () => {
  it('a refusal one connection was told explains the transport failure another one sees', () => {
    const refusals = new ConnectionRefusals();
    const sasl = Object.assign(
      new Error(
        'SASL authentication error: Authentication failed: Invalid username or password ' +
          '(after 301ms in state AUTH_REQ, 1 identical error(s) suppressed)',
      ),
      { name: 'KafkaJSSASLAuthenticationError' },
    );
    expect(toClientError(sasl, refusals).kind).toBe('authentication');
    expect(toClientError(transportFailure(), refusals).message).toBe(
      'authentication failed: SASL authentication error: Authentication failed: Invalid username or password',
    );
  });
});
