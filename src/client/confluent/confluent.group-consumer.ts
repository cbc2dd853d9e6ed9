import type { KafkaGroupProtocol } from '../../interfaces/kafka-connection-options.interface';
import type {
  ConsumedBatch,
  GroupConsumer,
  GroupConsumerEvents,
  GroupConsumerOptions,
} from '../group-consumer.port';
import {
  ASSIGN_PARTITIONS,
  ConfluentBatchPayload,
  ConfluentLogger,
  ConfluentConsumer,
  ConfluentKafka,
  REVOKE_PARTITIONS,
} from './confluent.api';
import { EachBatchAdapter } from '../each-batch.adapter';
import { KafkaClientError } from '../kafka-client.error';
import { ConfluentAdminClient } from './confluent.admin-client';
import { BrokerLink } from './confluent-broker-link';
import { staleHeartbeat } from './confluent-stale-heartbeat';
import { clientCall, ConnectionRefusals, toClientError } from './confluent-error.mapper';

type TopicPartition = { topic: string; partition: number };

const partitionKey = ({ topic, partition }: TopicPartition) => `${topic}:${partition}`;

/** librdkafka's incremental assignor for the classic protocol (KIP-429). */
const COOPERATIVE_STICKY = 'cooperative-sticky';

/** A consume error its KafkaJS API logs and retries, for a refusal no retry cures. */
const JOIN_REFUSED =
  /error while consuming\. Retrying\. Error details: (\w+): ([^\n]*?(?:Invalid session timeout|Group authorization failed|Topic authorization failed|Inconsistent group protocol|Invalid group id|group max size)[^:\n]*)/i;

/**
 * A librdkafka consumer on the KafkaJS-compatible `eachBatch`. Offsets are stored only when the library
 * resolves them (the API keeps `enable.auto.offset.store` off), so auto-commit never passes a record that was
 * not handled. librdkafka heartbeats on its own thread; `heartbeat()` only reports a lost lease.
 */
export class ConfluentGroupConsumer implements GroupConsumer {
  private readonly consumer: ConfluentConsumer;
  private readonly topics: { topic: string }[];
  private generation = 0;
  /**
   * The partitions this member holds ("topic:partition"). Cooperative-sticky and KIP-848 hand over only what
   * changes (an assignment adds, a revocation removes); an eager rebalance revokes everything first.
   */
  private readonly held = new Set<string>();
  /** Partitions held; undefined from a revocation that left none until the next assignment. */
  private assigned?: number;
  /** The last assignment's start offsets are resolved: fetching from it needs nothing more. */
  private started = false;
  /** librdkafka retries a broker that went away without telling: its statistics say when it is cut off. */
  private readonly link = new BrokerLink((up) => this.linkChanged(up));

  constructor(
    kafka: ConfluentKafka,
    private readonly options: GroupConsumerOptions,
    private readonly events: GroupConsumerEvents,
    private readonly admin: () => ConfluentAdminClient,
    private readonly refusals?: ConnectionRefusals,
    clientLogger?: ConfluentLogger,
    groupProtocol: KafkaGroupProtocol = 'classic',
  ) {
    const kip848 = groupProtocol === 'consumer';
    this.consumer = kafka.consumer({
      'auto.offset.reset': options.fromBeginning ? 'earliest' : 'latest',
      // KIP-848: the broker assigns and times the session; the client refuses the classic settings then.
      ...(kip848 ? { 'group.protocol': 'consumer' } : {}),
      ...this.link.settings(),
      // Awaited by the KafkaJS API before it applies the change: a revocation commits first (commitRevoked),
      // unless the partitions are already lost (a session that timed out: the commit would be refused).
      rebalance_cb: async (
        error: { code: number },
        assignment: TopicPartition[],
        change?: { assignmentLost(): boolean },
      ) => {
        if (error.code === REVOKE_PARTITIONS && !change?.assignmentLost()) await this.commitRevoked();
        this.rebalanced(error.code, assignment);
      },
      kafkaJS: {
        groupId: options.groupId,
        // Classic: cooperative-sticky, so a rebalance moves only the partitions that change hands.
        ...(kip848
          ? {}
          : {
              sessionTimeout: options.sessionTimeout,
              heartbeatInterval: options.heartbeatInterval,
              partitionAssigners: [COOPERATIVE_STICKY],
            }),
        allowAutoTopicCreation: false,
        maxWaitTimeInMs: options.maxWaitTimeMs,
        fromBeginning: options.fromBeginning,
        autoCommit: options.autoCommit,
        autoCommitInterval: options.autoCommitIntervalMs,
        ...(clientLogger ? { logger: this.consumerLogger(clientLogger) } : {}),
      },
    });
    this.topics = [...new Set([...options.topics, ...(options.fromBeginningTopics ?? [])])].map((topic) => ({
      topic,
    }));
  }

  async run(eachBatch: (batch: ConsumedBatch) => Promise<void>): Promise<void> {
    await clientCall(async () => {
      await this.consumer.connect();
      await this.consumer.subscribe({ topics: this.topics.map(({ topic }) => topic) });
      await this.consumer.run({
        eachBatchAutoResolve: false,
        partitionsConsumedConcurrently: this.options.partitionsConsumedConcurrently,
        eachBatch: (payload) => eachBatch(new ConfluentBatch(payload, this.consumer)),
      });
    }, this.refusals);
  }

  pause(): void {
    this.consumer.pause(this.topics);
  }

  resume(): void {
    this.consumer.resume(this.topics);
  }

  async disconnect(): Promise<void> {
    await clientCall(() => this.consumer.disconnect(), this.refusals);
    this.events.stopped();
  }

  /**
   * Its KafkaJS API retries a failed fetch or join without end and only logs why. A refusal that no retry can
   * cure (the group's settings or its ACLs) is reported as a crash the client restarts from, so the library
   * counts it against liveness as it does on kafkajs; the rest stays a log line.
   */
  private consumerLogger(clientLogger: ConfluentLogger): ConfluentLogger {
    const self: ConfluentLogger = {
      ...clientLogger,
      error: (message: string) => {
        clientLogger.error(message);
        const refused = JOIN_REFUSED.exec(message);
        if (refused) {
          const error = Object.assign(new Error(refused[2].trim()), { name: refused[1] });
          this.events.crashed(toClientError(error, this.refusals), true);
        }
      },
      namespace: () => self,
    };
    return self;
  }

  /**
   * Cut off from every broker: reported as a crash the client recovers from by itself (an unreachable
   * broker, which liveness does not count). Back: the assignment it kept is consumed again from where it was.
   */
  private linkChanged(up: boolean): void {
    if (!up) {
      const error = new KafkaClientError('unreachable', true, 'all broker connections are down');
      this.events.crashed(error, true);
      return;
    }
    if (this.assigned === undefined) return;
    this.events.joined(this.assigned);
    if (this.started) this.events.fetched();
  }

  /**
   * Commits what was handled before partitions are given up. With librdkafka's own commit alone, a moved
   * partition's last second or so of records came back to its next owner: 618 duplicates in a rolling restart of
   * 4 replicas on the classic protocol, 45 with this commit (`test/faults/fleet.spec.ts`, docs/clients.md). The
   * callback runs between fetches, when no batch is running, so every handled record is resolved by now.
   */
  private async commitRevoked(): Promise<void> {
    try {
      await this.consumer.commitOffsets();
    } catch {
      // Nothing stored, or refused: librdkafka's own commit of the revocation still follows.
    }
  }

  /**
   * A revocation drains only the partitions it names: their batches turn stale (librdkafka stops them), and
   * the partitions kept go on as they were. An assignment adds partitions, whose start offsets are resolved
   * before the member reports a fetch.
   */
  private rebalanced(code: number, assignment: TopicPartition[]): void {
    if (code === REVOKE_PARTITIONS) {
      for (const tp of assignment) this.held.delete(partitionKey(tp));
      if (this.held.size > 0) {
        // Incremental: the member keeps consuming what it holds.
        this.assigned = this.held.size;
        this.events.joined(this.held.size);
        if (this.started) this.events.fetched();
        return;
      }
      this.generation++;
      this.assigned = undefined;
      this.started = false;
      this.events.rebalancing();
      return;
    }
    if (code !== ASSIGN_PARTITIONS) return;
    for (const tp of assignment) this.held.add(partitionKey(tp));
    const generation = ++this.generation;
    this.assigned = this.held.size;
    this.started = false;
    this.events.joined(this.held.size);
    if (assignment.length === 0) {
      // Nothing new (an incremental round that only confirmed the partitions kept): they are fetched already.
      if (this.held.size > 0) {
        this.started = true;
        this.events.fetched();
      }
      return;
    }
    void this.resolveStart(assignment).then(
      () => {
        if (generation !== this.generation) return;
        this.started = true;
        this.events.fetched();
      },
      (error: unknown) => this.events.crashed(toClientError(error, this.refusals), true),
    );
  }

  /**
   * Running means consuming: a group new to a partition that starts at the latest record must not miss one
   * written after it reports running. librdkafka looks the end up in the background, so the adapter reads it
   * itself and seeks there before it reports the fetch; partitions with a committed offset start from it.
   * `fromBeginningTopics` start at their earliest record whatever `auto.offset.reset` says. The start is
   * committed, so the next join starts there too.
   */
  private async resolveStart(assignment: TopicPartition[]): Promise<void> {
    if (this.options.fromBeginning) return;
    const earliest = new Set(this.options.fromBeginningTopics ?? []);
    const committed = await this.consumer.committed(assignment);
    // No committed offset: null, or librdkafka's -1001 (OFFSET_INVALID).
    const fresh = committed.filter(
      (c) => c.offset === null || c.offset === undefined || BigInt(c.offset) < 0n,
    );
    if (fresh.length === 0) return;
    const starts: (TopicPartition & { offset: string })[] = [];
    const admin = this.admin();
    await admin.connect();
    try {
      for (const topic of new Set(fresh.map((c) => c.topic))) {
        const offsets = await admin.topicOffsets(topic);
        const ends = new Map(offsets.map((o) => [o.partition, earliest.has(topic) ? o.low : o.high]));
        for (const { partition } of fresh.filter((c) => c.topic === topic)) {
          const offset = ends.get(partition);
          if (offset === undefined) continue;
          this.consumer.seek({ topic, partition, offset });
          starts.push({ topic, partition, offset });
        }
      }
    } finally {
      await admin.disconnect().catch(() => undefined);
    }
    // Committed at once: a partition no record has been handled from would otherwise start at its end as it is
    // at the next join (after an outage, a rebalance), skipping what was written while no one read it.
    if (starts.length > 0) await this.consumer.commitOffsets(starts);
  }
}

/** The KafkaJS-compatible eachBatch payload behind the port's batch: librdkafka heartbeats by itself. */
class ConfluentBatch extends EachBatchAdapter<ConfluentBatchPayload> {
  override heartbeat(): Promise<void> {
    return staleHeartbeat(this.payload.isStale(), this.topic, this.partition);
  }

  override isRunning(): boolean {
    return this.payload.isRunning() && !this.payload.isStale();
  }
}
