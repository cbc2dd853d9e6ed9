import type { TestCertificates } from './test-certificates';
import type { TEST_USERS } from './secure-properties';

export type KafkaLauncherKind = 'auto' | 'docker' | 'jvm';

export interface SecureListeners {
  saslPlaintext: string;
  saslSsl: string;
  /** TLS with a required client certificate (mTLS). */
  ssl: string;
  certificates: TestCertificates;
  users: typeof TEST_USERS;
}

export interface KafkaClusterOptions {
  /** Apache Kafka version; the env variable KAFKA_VERSION overrides the default. */
  version?: string;
  /** 1 (default) or 3: each node is a combined broker + KRaft controller with its own process and port. */
  nodes?: number;
  /** 'auto' (default; env KAFKA_LAUNCHER): KAFKA_BROKERS, else a Docker engine, else the JVM from Maven Central. */
  launcher?: KafkaLauncherKind;
  /** Ignore KAFKA_BROKERS and always start a private cluster (for tests that stop or kill nodes). */
  private?: boolean;
  /** Extra server.properties entries, applied to every node after the launcher's own. */
  brokerProperties?: Record<string, string | number | boolean>;
  /** How long to wait for the cluster to answer a metadata request. Default 90 s. */
  startTimeoutMs?: number;
  /**
   * A single node whose extra listeners enforce SASL_PLAINTEXT, SASL_SSL and SSL with client certificates,
   * with test certificates, PLAIN and SCRAM users and ACLs on (JVM launcher only). See `secure` on the result.
   */
  secure?: boolean;
  /** Progress lines (resolving jars, starting nodes). Default: silent. */
  log?: (line: string) => void;
}

export interface KafkaNode {
  readonly id: number;
  /** host:port of this node's client listener. */
  readonly address: string;
  readonly running: boolean;
  /** Controlled shutdown (SIGTERM), waiting for the process to exit. */
  stop(): Promise<void>;
  /** Abrupt death (SIGKILL), as a crashed machine would. */
  kill(): Promise<void>;
  /** Starts the node again on the same port and data directory, and waits until it answers. */
  start(): Promise<void>;
}

export interface KafkaCluster {
  /** Bootstrap servers, host:port. */
  readonly brokers: string[];
  /** external: KAFKA_BROKERS as given; docker: Testcontainers; jvm: Kafka from Maven Central. */
  readonly mode: 'external' | 'docker' | 'jvm';
  /** Kafka version started; undefined for an external cluster. */
  readonly version?: string;
  /** Started nodes, empty for an external cluster. */
  readonly nodes: readonly KafkaNode[];
  /** Listeners, users and certificates of a cluster started with `secure: true`. */
  readonly secure?: SecureListeners;
  /** Stops every node started and removes its data; a second call does nothing. */
  stop(): Promise<void>;
}
