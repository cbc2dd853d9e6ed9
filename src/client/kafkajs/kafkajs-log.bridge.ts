import { LoggerService } from '@nestjs/common';
import { logCreator, logLevel } from 'kafkajs';

/**
 * Messages that describe a choice this library makes on purpose: a bounded retry budget for the
 * idempotent producer (so send() can fail with an error instead of retrying forever), and an explicit partitioner.
 */
const EXPECTED = [
  /Limiting retries for the idempotent producer/,
  /KafkaJS v2\.0\.0 switched default partitioner/,
];

const RETRIED = /^(Response |Connection error|Failed to connect to seed broker)/;

/** Routes kafkajs' own logs into Nest's Logger (context "Kafka"), never to the console directly. */
export function kafkajsLogCreator(logger: LoggerService): logCreator {
  return () =>
    ({ level, log }) => {
      const { message, ...extra } = log;
      if (EXPECTED.some((re) => re.test(message))) return;
      const details = { ...extra };
      delete (details as { timestamp?: unknown }).timestamp;
      delete (details as { logger?: unknown }).logger;
      const line = Object.keys(details).length ? `${message} ${safeJson(details)}` : message;
      // kafkajs logs every retriable error response and refused connection at ERROR, though it retries them itself.
      const effective = level === logLevel.ERROR && RETRIED.test(message) ? logLevel.WARN : level;
      switch (effective) {
        case logLevel.ERROR:
        case logLevel.NOTHING:
          logger.error(line);
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
