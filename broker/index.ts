import { dockerAvailable, startDockerCluster } from './docker-cluster';
import { KafkaCluster, KafkaClusterOptions, KafkaLauncherKind } from './kafka-cluster.interface';
import { kafkaVersionFromEnv } from './kafka-versions';
import { startJvmCluster } from './jvm-cluster';
import { waitForKafka } from './readiness';

export * from './kafka-cluster.interface';
export { DEFAULT_KAFKA_VERSION, VERIFIED_KAFKA_VERSIONS } from './kafka-versions';
export { resolveKafkaJars } from './kafka-jars';

/**
 * The one way tests, the demo and the benchmarks get a real Kafka broker:
 * - KAFKA_BROKERS set (and `private` not asked for): that cluster, as it is; nothing is started;
 * - else a Docker engine answers: apache/kafka through Testcontainers;
 * - else: Apache Kafka from Maven Central, run on the local JVM.
 * KAFKA_LAUNCHER=docker|jvm forces one of the last two.
 */
export async function startKafkaCluster(options: KafkaClusterOptions = {}): Promise<KafkaCluster> {
  const env = process.env;
  const log = options.log ?? (() => undefined);
  const startTimeoutMs = options.startTimeoutMs ?? 90_000;
  const nodes = options.nodes ?? 1;
  if (nodes !== 1 && nodes !== 3) throw new Error(`nodes must be 1 or 3, got ${nodes}`);

  const external = env.KAFKA_BROKERS?.trim();
  if (external && !options.private && !options.secure) {
    const brokers = external
      .split(',')
      .map((b) => b.trim())
      .filter(Boolean);
    log(`Using the Kafka cluster named by KAFKA_BROKERS: ${brokers.join(',')}`);
    await waitForKafka({ brokers, expectedNodes: 1, timeoutMs: startTimeoutMs });
    return { brokers, mode: 'external', nodes: [], stop: async () => undefined };
  }

  const version = options.version ?? kafkaVersionFromEnv(env);
  const launcher = options.launcher ?? launcherFromEnv(env);
  // The secure broker's certificates, JAAS users and SCRAM storage are set up for the JVM launcher only.
  const useDocker =
    !options.secure &&
    (launcher === 'docker' || (launcher === 'auto' && nodes === 1 && (await dockerAvailable())));
  if (useDocker) {
    if (nodes !== 1)
      throw new Error('The Docker launcher starts single-node clusters; use KAFKA_LAUNCHER=jvm for 3');
    return startDockerCluster({
      version,
      brokerProperties: options.brokerProperties ?? {},
      startTimeoutMs,
      log,
    });
  }
  return startJvmCluster({
    version,
    nodes,
    secure: options.secure,
    brokerProperties: options.brokerProperties ?? {},
    startTimeoutMs,
    log,
  });
}

function launcherFromEnv(env: NodeJS.ProcessEnv): KafkaLauncherKind {
  const value = (env.KAFKA_LAUNCHER || 'auto').trim();
  if (value === 'auto' || value === 'docker' || value === 'jvm') return value;
  throw new Error(`KAFKA_LAUNCHER must be auto, docker or jvm, got "${value}"`);
}
