/**
 * npm run broker:fetch  resolves the Kafka jars into .kafka/ (CI does this before the tests).
 * npm run broker:start  starts a broker through the launcher and keeps it up until Ctrl-C.
 */
import { resolveKafkaJars, startKafkaCluster } from './index';
import { kafkaVersionFromEnv } from './kafka-versions';

const log = (line: string) => console.log(`[kafka] ${line}`);

async function main(command: string | undefined): Promise<void> {
  if (command === 'fetch') {
    const libs = await resolveKafkaJars(kafkaVersionFromEnv(), log);
    log(`Jars ready in ${libs}`);
    return;
  }
  if (command === 'start') {
    const nodes = Number(process.env.KAFKA_NODES || 1);
    const cluster = await startKafkaCluster({ nodes, log });
    log(`KAFKA_BROKERS=${cluster.brokers.join(',')}  (Ctrl-C stops it)`);
    const stop = () => void cluster.stop().then(() => process.exit(0));
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    return;
  }
  throw new Error(`usage: cli.ts fetch|start (got ${command ?? 'nothing'})`);
}

main(process.argv[2]).catch((error: Error) => {
  console.error(error.message);
  process.exit(1);
});
