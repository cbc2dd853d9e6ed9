import { LoggerService } from '@nestjs/common';
import { logCreator, logLevel } from 'kafkajs';
import type { KafkaConnectionConfig } from '../kafka-client.port';

/**
 * Messages that describe a choice this library makes on purpose: a bounded retry budget for the
 * idempotent producer (so send() can fail with an error instead of retrying forever), and an explicit partitioner.
 */
const EXPECTED = [
  /Limiting retries for the idempotent producer/,
  /KafkaJS v2\.0\.0 switched default partitioner/,
];

/**
 * kafkajs logs at ERROR what it retries or restarts by itself (a refused connection, "The coordinator is
 * loading", "Restarting the consumer in …ms"): transient, so WARN here. What needs a person (credentials,
 * permissions, certificates) stays at ERROR; the library also reports a consumer that cannot go on itself.
 */
const NEEDS_A_PERSON = /SASL|[Aa]uthenticat|[Nn]ot authorized|AUTHORIZATION|certificate|SSL|TLS/;

/** Extra fields that only repeat what the line says, or change on every line. */
const DROPPED = ['timestamp', 'logger', 'stack'];

const LEVELS: Record<NonNullable<KafkaConnectionConfig['logLevel']>, logLevel> = {
  nothing: logLevel.NOTHING,
  error: logLevel.ERROR,
  warn: logLevel.WARN,
  info: logLevel.INFO,
  debug: logLevel.DEBUG,
};

/** kafkajs' level for the module option `logLevel` / KAFKA_LOG_LEVEL (default 'warn'). */
export function kafkajsLogLevel(level: KafkaConnectionConfig['logLevel']): logLevel {
  return LEVELS[level ?? 'warn'];
}

/**
 * Routes kafkajs' own logs into Nest's Logger (context "Kafka"), never to the console directly: INFO as
 * debug, DEBUG as verbose, stack traces only at ERROR and as Nest's stack argument (never JSON-escaped
 * into a line). Give it a ThrottledLogger so a line repeated during an outage is written once a minute.
 */
export function kafkajsLogCreator(logger: LoggerService): logCreator {
  return () =>
    ({ level, log }) => {
      const { message, ...extra } = log;
      if (EXPECTED.some((re) => re.test(message))) return;
      const details: Record<string, unknown> = { ...extra };
      const stack = typeof details.stack === 'string' ? details.stack : undefined;
      for (const key of DROPPED) delete details[key];
      const line = Object.keys(details).length ? `${message} ${safeJson(details)}` : message;
      const effective =
        level === logLevel.ERROR && !NEEDS_A_PERSON.test(`${message} ${String(details.error ?? '')}`)
          ? logLevel.WARN
          : level;
      switch (effective) {
        case logLevel.ERROR:
        case logLevel.NOTHING:
          if (stack) logger.error(line, stack);
          else logger.error(line);
          break;
        case logLevel.WARN:
          logger.warn(line);
          break;
        case logLevel.INFO:
          logger.debug?.(line);
          break;
        default:
          logger.verbose?.(line);
      }
    };
}

function safeJson(value: unknown): string {
  try {
    return JSON.stringify(value);
  } catch {
    return '[unserializable]';
  }
}
