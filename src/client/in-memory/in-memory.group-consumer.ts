import type { ConsumedRecord } from '../../interfaces/kafka-record.interface';
import type {
  ConsumedBatch,
  GroupConsumer,
  GroupConsumerEvents,
  GroupConsumerOptions,
} from '../group-consumer.port';
import { KafkaClientError } from '../kafka-client.error';
import type { InMemoryCluster, InMemoryMember } from './in-memory.cluster';

/** Records handed over in one batch at most, as a fetch would cap them. */
const MAX_BATCH_RECORDS = 500;

interface AssignedPartition {
  readonly topic: string;
  readonly partition: number;
  /** Next offset to hand over. */
  position: number;
}

/**
 * One member of a consumer group on the in-memory cluster. A loop hands each assigned partition's new
 * records to `eachBatch` (up to `partitionsConsumedConcurrently` partitions at once), continues after the
 * last resolved offset (records not resolved come again, as after a Kafka rejoin), commits resolved offsets
 * after each batch with auto-commit (or only through `commit`), and sleeps until the cluster changes.
 * A membership change bumps the group's generation: heartbeats and commits of the old one reject, as in a
 * rebalance, and the loop takes its new partitions from the committed offsets.
 */
export class InMemoryGroupConsumer implements GroupConsumer, InMemoryMember {
  readonly topics: readonly string[];
  private running = false;
  private paused = false;
  private loop?: Promise<void>;
  private generation = -1;
  private assigned: AssignedPartition[] = [];
  /** `topic:partition` -> last resolved offset not yet committed. */
  private readonly uncommitted = new Map<string, number>();
  private lastCommitAt = Date.now();

  constructor(
    private readonly cluster: InMemoryCluster,
    private readonly options: GroupConsumerOptions,
    private readonly events: GroupConsumerEvents,
  ) {
    this.topics = [...options.topics];
  }

  async run(eachBatch: (batch: ConsumedBatch) => Promise<void>): Promise<void> {
    const missing = this.topics.filter((topic) => this.cluster.partitionCount(topic) === 0);
    if (missing.length > 0) {
      throw new KafkaClientError(
        'other',
        true,
        `This server does not host this topic-partition: ${missing.join(', ')}`,
      );
    }
    this.running = true;
    this.cluster.join(this.options.groupId, this);
    this.loop = this.consume(eachBatch);
  }

  pause(): void {
    this.paused = true;
    this.cluster.notify();
  }

  resume(): void {
    this.paused = false;
    this.cluster.notify();
  }

  async disconnect(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    this.cluster.notify();
    await this.loop;
    if (this.options.autoCommit) this.commitResolved();
    this.cluster.leave(this.options.groupId, this);
    this.events.stopped();
  }

  rebalance(): void {
    if (this.running) this.events.rebalancing();
  }

  /** @internal The batch's: true while the member still holds the partition. */
  holds(generation: number): boolean {
    return this.running && generation === this.cluster.generation(this.options.groupId);
  }

  /** @internal The batch's. */
  resolved(topic: string, partition: number, offset: number): void {
    this.uncommitted.set(`${topic}:${partition}`, offset);
  }

  /** @internal The batch's. */
  commitIfDue(): void {
    if (this.options.autoCommit && Date.now() - this.lastCommitAt >= this.options.autoCommitIntervalMs) {
      this.commitResolved();
    }
  }

  /** @internal The batch's: consumption resumes after `offset`. */
  commit(topic: string, partition: number, offset: number): void {
    this.uncommitted.delete(`${topic}:${partition}`);
    this.cluster.commit(this.options.groupId, topic, partition, offset + 1);
  }

  private async consume(eachBatch: (batch: ConsumedBatch) => Promise<void>): Promise<void> {
    while (this.running) {
      const change = this.cluster.nextChange();
      if (this.generation !== this.cluster.generation(this.options.groupId)) this.assign();
      const ready = this.paused
        ? []
        : this.assigned.filter((p) => p.position < this.cluster.endOffset(p.topic, p.partition));
      if (ready.length === 0) {
        await change;
        continue;
      }
      const limit = Math.max(1, this.options.partitionsConsumedConcurrently);
      for (let i = 0; i < ready.length && this.running; i += limit) {
        await Promise.all(ready.slice(i, i + limit).map((p) => this.runBatch(p, eachBatch)));
      }
      if (this.options.autoCommit) this.commitResolved();
      // A broker answers a fetch over the network; here the next round waits for the event loop's next turn,
      // so records handed back unresolved come again without starving timers and I/O.
      await new Promise((resolve) => setImmediate(resolve));
    }
  }

  /** Takes the group's current assignment: from each partition's committed offset, else its start policy. */
  private assign(): void {
    if (this.options.autoCommit) this.commitResolved();
    this.uncommitted.clear();
    const { groupId, fromBeginning, fromBeginningTopics = [] } = this.options;
    this.generation = this.cluster.generation(groupId);
    this.assigned = this.cluster.assignment(groupId, this).map(({ topic, partition }) => ({
      topic,
      partition,
      position:
        this.cluster.committed(groupId, topic, partition) ??
        (fromBeginning || fromBeginningTopics.includes(topic) ? 0 : this.cluster.endOffset(topic, partition)),
    }));
    this.events.joined(this.assigned.length);
    this.events.fetched();
  }

  private async runBatch(
    assigned: AssignedPartition,
    eachBatch: (batch: ConsumedBatch) => Promise<void>,
  ): Promise<void> {
    const records = this.cluster.read(
      assigned.topic,
      assigned.partition,
      assigned.position,
      MAX_BATCH_RECORDS,
    );
    const batch = new InMemoryBatch(this, assigned.topic, assigned.partition, records, this.generation);
    try {
      await eachBatch(batch);
    } catch (error) {
      // As a Kafka client does when eachBatch throws: rejoin, and start again from the committed offsets.
      this.generation = -1;
      this.events.crashed(error instanceof Error ? error : new Error(String(error)), true);
      return;
    }
    if (batch.lastResolved !== undefined && this.generation === batch.generation) {
      assigned.position = batch.lastResolved + 1;
    }
  }

  private commitResolved(): void {
    this.lastCommitAt = Date.now();
    for (const [key, offset] of this.uncommitted) {
      const split = key.lastIndexOf(':');
      this.cluster.commit(
        this.options.groupId,
        key.slice(0, split),
        Number(key.slice(split + 1)),
        offset + 1,
      );
    }
    this.uncommitted.clear();
  }
}

/** One partition's records for `eachBatch`, valid while its member holds the partition. */
class InMemoryBatch implements ConsumedBatch {
  lastResolved?: number;

  constructor(
    private readonly member: InMemoryGroupConsumer,
    readonly topic: string,
    readonly partition: number,
    readonly records: readonly ConsumedRecord[],
    readonly generation: number,
  ) {}

  async heartbeat(): Promise<void> {
    if (!this.member.holds(this.generation)) throw rebalanced();
  }

  isRunning(): boolean {
    return this.member.holds(this.generation);
  }

  resolveOffset(offset: string): void {
    if (!this.member.holds(this.generation)) return;
    this.lastResolved = Number(offset);
    this.member.resolved(this.topic, this.partition, this.lastResolved);
  }

  async commitIfDue(): Promise<void> {
    if (this.member.holds(this.generation)) this.member.commitIfDue();
  }

  async commit(offset: string): Promise<void> {
    if (!this.member.holds(this.generation)) throw rebalanced();
    this.lastResolved = Number(offset);
    this.member.commit(this.topic, this.partition, this.lastResolved);
  }
}

function rebalanced(): KafkaClientError {
  return new KafkaClientError('other', true, 'The group is rebalancing, so a rejoin is needed');
}
