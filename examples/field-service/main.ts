/**
 * npm run demo: a field-service app on the Kafka event system, end to end. Starts a broker (KAFKA_BROKERS,
 * else Docker, else a local JVM), runs a Nest app with four @EventHandler handlers, a DLQ watcher and
 * GET /health, sends a day's worth of events, waits until each has been handled or dead-lettered, prints a
 * summary and stops everything. Exit code 0 when everything arrived as expected, 1 on a failure or timeout,
 * 128 + the signal's number when interrupted.
 */
import { INestApplication, Logger } from '@nestjs/common';
import { constants } from 'node:os';
import { KafkaCluster, startKafkaCluster } from '../../broker';
import { DEMO_TIMEOUT_MS, RUN_ID, SHUTDOWN_SIGNALS } from './demo.constants';
import { Deadline, DeadlineExceededError } from './demo.deadline';
import { findProblems } from './demo.expectations';
import { formatSummary } from './demo.summary';
import { createFieldServiceApp } from './field-service.app';
import { runFieldServiceScenario } from './field-service.scenario';

const logger = new Logger('FieldServiceDemo');
/** Upper bound for closing the app and stopping the broker after a failure. */
const CLEANUP_TIMEOUT_MS = 30_000;

let cluster: KafkaCluster | undefined;
let app: INestApplication | undefined;
let signalsReceived = 0;

async function main(): Promise<number> {
  const startedAt = Date.now();
  cluster = await startKafkaCluster({ log: (line) => new Logger('KafkaBroker').log(line) });
  process.env.KAFKA_BROKERS = cluster.brokers.join(',');
  const brokerStartMs = Date.now() - startedAt;
  const deadline = new Deadline(DEMO_TIMEOUT_MS);

  app = await deadline.race(createFieldServiceApp(cluster.brokers), 'the Nest app to be created');
  await deadline.race(app.listen(0, '127.0.0.1'), 'the app to start');
  logger.log(`Listening on ${await app.getUrl()}`);

  const report = await runFieldServiceScenario(app, deadline);
  console.log(`\nGET /health -> ${report.health.httpStatus}\n${JSON.stringify(report.health.body, null, 2)}`);
  const problems = findProblems(report);
  const run = {
    runId: RUN_ID,
    brokers: cluster.brokers,
    brokerMode: cluster.version ? `${cluster.mode}, Kafka ${cluster.version}` : cluster.mode,
    brokerStartMs,
    totalMs: Date.now() - startedAt,
  };
  console.log(formatSummary(report, run, problems));

  const closingAt = Date.now();
  await app.close();
  app = undefined;
  await stopBroker();
  logger.log(`Shut down in ${((Date.now() - closingAt) / 1000).toFixed(1)} s`);
  return problems.length === 0 ? 0 : 1;
}

/**
 * Ctrl-C while the app runs: Nest's shutdown hooks close it (consumers drain, producer flushes) and then
 * raise the signal again, which lands here a second time; only then is the broker stopped. Before the app
 * exists, or on a second Ctrl-C, the broker is stopped at once.
 */
function onSignal(signal: NodeJS.Signals): void {
  signalsReceived++;
  if (app && signalsReceived === 1) {
    logger.warn(`${signal}: closing the app, then the broker`);
    return;
  }
  if (signalsReceived === 1) logger.warn(`${signal}: stopping the broker`);
  void stopBroker().finally(() => process.exit(128 + constants.signals[signal]));
}

async function stopBroker(): Promise<void> {
  if (!cluster) return;
  try {
    await cluster.stop();
    logger.log(cluster.mode === 'external' ? 'Left the KAFKA_BROKERS cluster running' : 'Broker stopped');
  } catch (error) {
    logger.error(`Stopping the broker failed: ${error instanceof Error ? error.message : String(error)}`);
  }
}

async function cleanUpAfterFailure(): Promise<void> {
  setTimeout(() => {
    logger.error(`Cleanup took longer than ${CLEANUP_TIMEOUT_MS / 1000} s; exiting`);
    process.exit(1);
  }, CLEANUP_TIMEOUT_MS).unref();
  await app?.close().catch((error: Error) => logger.error(`Closing the app failed: ${error.message}`));
  await stopBroker();
}

for (const signal of SHUTDOWN_SIGNALS) process.on(signal, onSignal);

main().then(
  (code) => process.exit(code),
  async (error: unknown) => {
    // Interrupted: the signal handler owns shutdown and the exit code.
    if (signalsReceived > 0) return;
    // A timeout's message says all there is to say; anything else gets its stack.
    const detail =
      error instanceof DeadlineExceededError || !(error instanceof Error)
        ? String(error instanceof Error ? error.message : error)
        : (error.stack ?? error.message);
    logger.error(`Demo failed: ${detail}`);
    await cleanUpAfterFailure();
    process.exit(1);
  },
);
