/**
 * The development broker and the launcher's jars (README, "A real Kafka broker for development"):
 *   npm run broker:start -- [--port 9092] [--data-dir .kafka/dev-data]   starts it in the background
 *   npm run broker:status / broker:stop                                  tells whether it is up / stops it
 *   npm run broker:fetch                                                  resolves the Kafka jars into .kafka/
 * Each command takes --help. Tests do not use this: they start their own clusters through broker/index.ts.
 */
import yargs from 'yargs';
import { DEV_BROKER_DATA_DIR, DEV_BROKER_PORT, DevBroker } from './dev-broker';
import { resolveKafkaJars } from './index';
import { kafkaVersionFromEnv } from './kafka-versions';

const log = (line: string) => console.log(`[kafka] ${line}`);

const dataDirOption = {
  'data-dir': {
    type: 'string',
    default: DEV_BROKER_DATA_DIR,
    defaultDescription: '.kafka/dev-data',
    describe: 'where the broker keeps its topics and records between starts',
  },
} as const;

const broker = (dataDir: string) => new DevBroker({ dataDir, version: kafkaVersionFromEnv(), log });

async function main(argv: string[]): Promise<void> {
  await yargs(argv)
    .scriptName('broker/cli.ts')
    .usage(
      'Apache Kafka on the local JVM for development: one node on 127.0.0.1, kept between starts.\n' +
        'npm run broker:start | broker:stop | broker:status [-- <options>]',
    )
    .command(
      'start',
      'start the broker in the background; returns once it answers',
      (y) =>
        y
          .options(dataDirOption)
          .option('port', { type: 'number', default: DEV_BROKER_PORT, describe: 'client port on 127.0.0.1' })
          .epilog('Prints KAFKA_BROKERS=127.0.0.1:<port>. Its log: broker.log in the data directory.'),
      async ({ port, 'data-dir': dataDir }) => {
        const address = await broker(dataDir).start(port);
        log(`KAFKA_BROKERS=${address}  (up; npm run broker:stop stops it, data in ${dataDir})`);
      },
    )
    .command(
      'stop',
      'stop the broker; its topics and records stay in the data directory',
      (y) => y.options(dataDirOption),
      async ({ 'data-dir': dataDir }) => {
        log((await broker(dataDir).stop()) ? 'stopped' : 'was not running');
      },
    )
    .command(
      'status',
      'say whether the broker is up, and where (exit code 0 up, 1 down)',
      (y) => y.options(dataDirOption),
      async ({ 'data-dir': dataDir }) => {
        const status = await broker(dataDir).status();
        if (status.up) return log(`up: KAFKA_BROKERS=${status.address} (pid ${status.pid})`);
        log(`down: ${status.reason} (log: ${status.logFile})`);
        process.exitCode = 1;
      },
    )
    .command('fetch', "resolve Apache Kafka's jars from Maven Central into .kafka/", {}, async () => {
      log(`Jars ready in ${await resolveKafkaJars(kafkaVersionFromEnv(), log)}`);
    })
    .demandCommand(1, 'Name a command: start, stop, status or fetch')
    .strict()
    .help()
    .alias('help', 'h')
    .version(false)
    .parseAsync();
}

main(process.argv.slice(2)).catch((error: Error) => {
  console.error(error.message);
  process.exit(1);
});
