import { Logger } from '@nestjs/common';
import yargs, { Argv } from 'yargs';
import { KafkaClientError } from '../client/kafka-client.error';
import { createKafkaClient } from '../client/kafka-client.selector';
import { SharedRecordWriter } from '../client/shared-record-writer';
import type { KafkaModuleOptions } from '../config/kafka-module-options.interface';
import { KAFKA_CLIENTS } from '../config/kafka-names';
import { resolveKafkaOptions } from '../config/kafka-options.resolver';
import { DeadLetterService } from '../dead-letter/dead-letter.service';
import { DeadLetterFilterError } from '../errors/dead-letter-replay.error';
import { KafkaClientUnavailableError } from '../errors/kafka-client-unavailable.error';
import { KafkaConfigError } from '../errors/kafka-config.error';
import type { KafkaClientName } from '../interfaces/kafka-connection-options.interface';
import type { DeadLetterFilter, DeadLetterReplayResult } from '../interfaces/dead-letter-replay.interface';
import { entryDetails, entryJson, entryTable, replaySummary } from './dead-letter.format';

/** Where the command writes, and its environment: the process's, or a test's. */
interface CommandIo {
  out: (line: string) => void;
  err: (line: string) => void;
  env: NodeJS.ProcessEnv;
}

/** Exit codes: 0 done, 1 failed while working, 2 could not start (bad flags or settings, broker not reachable). */
export const EXIT = { ok: 0, failed: 1, usage: 2 } as const;

const PROGRESS_EVERY_MS = 1000;

class UsageError extends Error {}

interface Common {
  brokers?: string;
  client?: KafkaClientName;
  'dlq-topic'?: string;
  json: boolean;
  verbose: boolean;
  group?: string;
  handler?: string;
  event?: string;
  error?: string;
  topic?: string;
  since?: string;
  until?: string;
}

/** Runs `kafka-events <args>`; resolves with the exit code. Never prints a credential. */
export async function runKafkaEvents(args: readonly string[], io: CommandIo): Promise<number> {
  let code: number = EXIT.ok;
  const withService = async (argv: Common, work: (service: DeadLetterService) => Promise<void>) => {
    Logger.overrideLogger(argv.verbose ? ['log', 'warn', 'error'] : false);
    const explicit: KafkaModuleOptions = {
      ...(argv.brokers !== undefined && { brokers: argv.brokers }),
      ...(argv['dlq-topic'] !== undefined && { dlqTopic: argv['dlq-topic'] }),
      // The flag wins over KAFKA_CLIENT, as a module option does.
      ...(argv.client !== undefined && { client: argv.client }),
      ...(!io.env.KAFKA_CLIENT_ID && { clientId: 'kafka-events' }),
    };
    const options = resolveKafkaOptions(explicit, io.env);
    if (argv.verbose)
      io.err(`kafka-events: the ${options.client} client, brokers ${options.brokers.join(',')}`);
    const client = createKafkaClient(options);
    const writer = new SharedRecordWriter(() => client.recordWriter(options.producer), options.brokers);
    try {
      await work(new DeadLetterService(options, client, writer));
    } finally {
      await writer.disconnect().catch(() => undefined);
    }
  };

  const parser = yargs([...args])
    .scriptName('kafka-events')
    .usage(
      '$0 <command>\n\nConnection and topics come from the KAFKA_* variables (KAFKA_BROKERS, KAFKA_DLQ_TOPIC, KAFKA_SSL, KAFKA_SASL_*), as for the module.',
    )
    .option('brokers', { type: 'string', describe: 'host:port,... (KAFKA_BROKERS)' })
    .option('dlq-topic', { type: 'string', describe: 'the dead-letter topic (KAFKA_DLQ_TOPIC)' })
    .option('client', {
      type: 'string',
      choices: KAFKA_CLIENTS,
      describe: 'the Kafka client (KAFKA_CLIENT); confluent needs @confluentinc/kafka-javascript installed',
    })
    .option('json', { type: 'boolean', default: false, describe: 'one JSON object per line, for scripts' })
    .option('verbose', {
      type: 'boolean',
      default: false,
      describe: "the client used and the Kafka client's logs on stderr",
    })
    .command('dlq', 'the dead-letter topic: list, inspect and replay parked records', (dlq: Argv<Common>) =>
      filters(dlq)
        .command(
          'list',
          'parked records matching the filters, oldest first per partition',
          (y) => y.option('limit', { type: 'number', default: 100, describe: 'at most this many' }),
          async (argv) =>
            withService(argv, async (service) => {
              const entries = await service.list(filterOf(argv), { limit: argv.limit });
              if (argv.json) entries.forEach((e) => io.out(entryJson(e)));
              else io.out(entries.length ? entryTable(entries) : 'no parked records match');
            }),
        )
        .command(
          'inspect <position>',
          'one parked record in full: <partition>:<offset>',
          (y) => y.positional('position', { type: 'string', demandOption: true }),
          async (argv) => {
            const match = /^(\d+):(\d+)$/.exec(argv.position);
            if (!match) throw new UsageError(`"${argv.position}" is not <partition>:<offset>, e.g. 0:42`);
            await withService(argv, async (service) => {
              const entry = await service.inspect(Number(match[1]), match[2]);
              if (!entry) {
                io.err(`error: no record at ${argv.position} in ${service.topic}`);
                code = EXIT.failed;
              } else io.out(argv.json ? entryJson(entry) : entryDetails(entry));
            });
          },
        )
        .command(
          'replay',
          "sends matching parked records to the handler that failed them, through its group's redelivery topic",
          (y) =>
            y
              .option('limit', { type: 'number', describe: 'replay at most this many in this run' })
              .option('rate', { type: 'number', describe: 'at most this many records per second' })
              .option('dry-run', { type: 'boolean', default: false, describe: 'count only; write nothing' })
              .option('max-replays', {
                type: 'number',
                default: 3,
                describe: 'skip a record replayed this many times already',
              })
              .option('from-start', {
                type: 'boolean',
                default: false,
                describe: 'forget what earlier runs with these filters replayed; read the DLQ from the start',
              }),
          async (argv) =>
            withService(argv, async (service) => {
              let shown = Date.now();
              const progress = (p: DeadLetterReplayResult) => {
                if (Date.now() - shown < PROGRESS_EVERY_MS) return;
                shown = Date.now();
                io.err(`… ${replaySummary(p)}`);
              };
              const result = await service.replay(filterOf(argv), {
                dryRun: argv['dry-run'],
                limit: argv.limit,
                rate: argv.rate,
                maxReplays: argv['max-replays'],
                fromStart: argv['from-start'],
                onProgress: progress,
              });
              io.out(argv.json ? JSON.stringify(result) : replaySummary(result));
            }),
        )
        .demandCommand(1, 'name a dlq command: list, inspect or replay'),
    )
    .demandCommand(1, 'name a command: dlq')
    .strict()
    .help()
    .version(false)
    .exitProcess(false)
    .fail((message, error) => {
      throw error ?? new UsageError(message);
    });

  try {
    let help = '';
    await parser.parseAsync([...args], {}, (_error, _argv, output) => {
      help = output;
    });
    if (help) io.out(help);
    return code;
  } catch (error) {
    io.err(`error: ${oneLine(error)}`);
    return isUsage(error) ? EXIT.usage : EXIT.failed;
  }
}

function filters<T>(y: Argv<T>) {
  return y
    .option('group', { type: 'string', describe: 'the consumer group that parked it' })
    .option('handler', { type: 'string', describe: 'the handler that failed, Class.method' })
    .option('event', { type: 'string', describe: 'event name or pattern (order.*)' })
    .option('error', { type: 'string', describe: 'error name, or reason (invalid-json, ...)' })
    .option('topic', { type: 'string', describe: 'the topic it was read from' })
    .option('since', { type: 'string', describe: 'parked at or after: ISO 8601, or 30m, 2h, 7d ago' })
    .option('until', { type: 'string', describe: 'parked before: ISO 8601, or 30m, 2h, 7d ago' });
}

function filterOf(argv: Common): DeadLetterFilter {
  return {
    group: argv.group,
    handler: argv.handler,
    event: argv.event,
    error: argv.error,
    topic: argv.topic,
    since: argv.since === undefined ? undefined : when(argv.since),
    until: argv.until === undefined ? undefined : when(argv.until),
  };
}

const UNIT_MS: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** ISO 8601, or a duration ago (`30m`); an invalid date is left for the service to name. */
function when(text: string): Date {
  const ago = /^(\d+)([smhd])$/.exec(text.trim());
  return ago ? new Date(Date.now() - Number(ago[1]) * UNIT_MS[ago[2]]) : new Date(text);
}

/** Errors the user fixes before anything runs: flags, settings, a broker that cannot be reached. */
function isUsage(error: unknown): boolean {
  return (
    error instanceof UsageError ||
    error instanceof DeadLetterFilterError ||
    error instanceof KafkaConfigError ||
    error instanceof KafkaClientUnavailableError ||
    (error instanceof KafkaClientError && error.kind !== 'other')
  );
}

function oneLine(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.replace(/\s+/g, ' ').trim();
}
