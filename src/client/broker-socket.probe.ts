import { connect } from 'node:net';
import { KafkaClientError } from './kafka-client.error';

/**
 * Whether every broker refuses a TCP connection: resolves with that refusal (ECONNREFUSED, a host that does not
 * resolve) as an `unreachable` KafkaClientError, or undefined once one broker accepted or `timeoutMs` passed
 * with some broker still silent (then only a Kafka request can tell). No Kafka protocol, TLS or credentials:
 * a socket opened and closed. Health races it with its Kafka request: a client that keeps retrying a refused
 * connection (kafkajs, librdkafka) hides the refusal behind the request's timeout.
 */
export async function refusedByEveryBroker(
  brokers: readonly string[],
  timeoutMs: number,
): Promise<KafkaClientError | undefined> {
  const refusals = await Promise.all(brokers.map((broker) => refusal(broker, timeoutMs)));
  if (refusals.some((r) => r === undefined)) return undefined;
  const details = [...new Set(refusals.map((r) => `Connection error: ${r!.message}`))];
  return new KafkaClientError('unreachable', true, details.join('; '), { cause: refusals[0] });
}

/** The error that refused a connection to `broker` (host:port), or undefined when it was accepted or is pending. */
function refusal(broker: string, timeoutMs: number): Promise<Error | undefined> {
  const colon = broker.lastIndexOf(':');
  const host = broker.slice(0, colon).replace(/^\[(.*)\]$/, '$1');
  const port = Number(broker.slice(colon + 1));
  if (colon < 0 || !Number.isInteger(port)) return Promise.resolve(undefined);
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    const done = (error?: Error) => {
      clearTimeout(timer);
      socket.destroy();
      resolve(error);
    };
    const timer = setTimeout(() => done(), timeoutMs);
    socket.once('connect', () => done());
    socket.once('error', (error) => done(error));
  });
}
