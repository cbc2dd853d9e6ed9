import { Logger } from '@nestjs/common';
import type { ConnectionOptions } from 'node:tls';
import type { AdminClient } from '../admin-client.port';
import type { GroupConsumer, GroupConsumerEvents, GroupConsumerOptions } from '../group-consumer.port';
import type { KafkaClient, KafkaClientFactory, KafkaConnectionConfig } from '../kafka-client.port';
import type { RecordWriter, RecordWriterOptions } from '../record-writer.port';
import type { TopicReader, TopicReaderOptions } from '../topic-reader.port';
import { ThrottledLogger } from '../../common/throttled-logger';
import { ConfluentLogger, loadConfluent, RdkafkaSettings } from './confluent.api';
import { confluentTokenRefresh } from './confluent-oauthbearer';
import { ConnectionRefusals } from './confluent-error.mapper';
import { ConfluentAdminClient } from './confluent.admin-client';
import { ConfluentGroupConsumer } from './confluent.group-consumer';
import { ConfluentRecordWriter } from './confluent.record-writer';
import { ConfluentTopicReader } from './confluent.topic-reader';

/**
 * @confluentinc/kafka-javascript (librdkafka, maintained by Confluent) behind the port: `client: 'confluent'`
 * or KAFKA_CLIENT=confluent. An optional peer dependency, loaded when this factory makes a client.
 */
export class ConfluentClientFactory implements KafkaClientFactory {
  create(config: KafkaConnectionConfig): KafkaClient {
    const { KafkaJS, features } = loadConfluent();
    const logger = new Logger('Kafka');
    const refusals = new ConnectionRefusals();
    const clientLogger = nestLogger(logger, refusals, config.logLevel);
    const kafka = new KafkaJS.Kafka({
      ...tlsSettings(config.ssl, logger),
      ...oauthSettings(config.sasl),
      'socket.connection.setup.timeout.ms': config.connectionTimeout,
      kafkaJS: {
        clientId: config.clientId,
        brokers: config.brokers,
        ssl: config.ssl !== false,
        // Its API reads a `sasl` key that is present but undefined as a mechanism to use.
        ...(config.sasl ? { sasl: saslSettings(config.sasl) } : {}),
        connectionTimeout: config.connectionTimeout,
        requestTimeout: config.requestTimeout,
        logger: clientLogger,
      },
    });
    const admin = () => new ConfluentAdminClient(kafka, config.brokers.length, refusals);
    return {
      recordWriter: (options: RecordWriterOptions): RecordWriter =>
        new ConfluentRecordWriter(kafka, options, refusals, features),
      groupConsumer: (options: GroupConsumerOptions, events: GroupConsumerEvents): GroupConsumer =>
        new ConfluentGroupConsumer(
          kafka,
          options,
          events,
          admin,
          refusals,
          clientLogger,
          config.groupProtocol,
        ),
      admin: (): AdminClient => admin(),
      topicReader: (options: TopicReaderOptions): TopicReader =>
        new ConfluentTopicReader(kafka, options, refusals),
    };
  }
}

/** OAUTHBEARER names only the mechanism to its KafkaJS API: the token comes from librdkafka's own callback. */
function saslSettings(sasl: NonNullable<KafkaConnectionConfig['sasl']>): object {
  return sasl.mechanism === 'oauthbearer' ? { mechanism: sasl.mechanism } : sasl;
}

/** librdkafka's token refresh, fed by the user's `oauthBearerProvider` (see confluentTokenRefresh). */
function oauthSettings(sasl: KafkaConnectionConfig['sasl']): RdkafkaSettings {
  if (sasl?.mechanism !== 'oauthbearer') return {};
  return { oauthbearer_token_refresh_cb: confluentTokenRefresh(sasl.oauthBearerProvider) };
}

/** Node's TLS options as librdkafka's PEM settings. */
function tlsSettings(ssl: boolean | ConnectionOptions, logger: Logger): RdkafkaSettings {
  if (typeof ssl !== 'object') return {};
  const settings: RdkafkaSettings = {};
  const pem = (value: unknown) =>
    (Array.isArray(value) ? value : [value])
      .map((v) => (Buffer.isBuffer(v) ? v.toString('utf8') : String(v)))
      .join('\n');
  if (ssl.ca !== undefined) settings['ssl.ca.pem'] = pem(ssl.ca);
  if (ssl.cert !== undefined) settings['ssl.certificate.pem'] = pem(ssl.cert);
  if (ssl.key !== undefined) settings['ssl.key.pem'] = pem(ssl.key);
  if (ssl.passphrase !== undefined) settings['ssl.key.password'] = ssl.passphrase;
  if (ssl.rejectUnauthorized === false) {
    // Never silently off: this accepts any certificate, so a man in the middle can read every event.
    logger.warn(
      'TLS certificate verification is OFF (rejectUnauthorized: false / KAFKA_SSL_REJECT_UNAUTHORIZED=false)',
    );
    settings['enable.ssl.certificate.verification'] = false;
  }
  return settings;
}

/** What needs a person (credentials, permissions, certificates) stays at ERROR, as in the kafkajs adapter. */
const NEEDS_A_PERSON = /SASL|[Aa]uthenticat|[Nn]ot authorized|AUTHORIZATION|certificate|SSL|TLS/;
/** librdkafka's own count of lines it held back: the throttled logger counts them instead. */
const SUPPRESSED = /, \d+ identical error\(s\) suppressed\)/;
const RANK = { nothing: 0, error: 1, warn: 2, info: 3, debug: 4 } as const;

/**
 * The client's logs through Nest's Logger (context "Kafka"), never to the console directly; its errors and
 * warnings also to `refusals`, which keeps the reason a connection was refused. As the kafkajs adapter does:
 * `logLevel` (default 'warn') filters, what the client retries by itself (a refused connection, all brokers
 * down) comes at WARN, and a repeated line is written once a minute.
 */
function nestLogger(
  logger: Logger,
  refusals: ConnectionRefusals,
  level: KafkaConnectionConfig['logLevel'] = 'warn',
): ConfluentLogger {
  const out = new ThrottledLogger(logger);
  const at = (wanted: keyof typeof RANK) => RANK[level] >= RANK[wanted];
  const clean = (message: string) => message.replace(SUPPRESSED, ')');
  const self: ConfluentLogger = {
    info: (message: string) => {
      if (at('info')) out.log(clean(message));
    },
    error: (message: string) => {
      refusals.note(message);
      if (NEEDS_A_PERSON.test(message)) {
        if (at('error')) out.error(clean(message));
      } else if (at('warn')) out.warn(clean(message));
    },
    warn: (message: string) => {
      refusals.note(message);
      if (at('warn')) out.warn(clean(message));
    },
    // Its debug lines (one per fetch) stay out, as kafkajs' do at the INFO level the kafkajs adapter sets.
    debug: () => undefined,
    namespace: () => self,
    setLogLevel: () => undefined,
  };
  return self;
}
