import type { ConsumedRecord, RecordHeaders } from '../../interfaces/kafka-record.interface';

/** A record as the cluster keeps it: the consumed shape, plus bytes made once at write time. */
interface StoredRecord extends ConsumedRecord {
  readonly key: Buffer | null;
  readonly value: Buffer | null;
  readonly headers: RecordHeaders;
}

/** One member of a group as the cluster sees it: the topics it subscribed to and how to tell it to rejoin. */
export interface InMemoryMember {
  readonly topics: readonly string[];
  /** The group's membership changed: stop at the batch boundary and take the new assignment. */
  rebalance(): void;
}

interface GroupState {
  members: InMemoryMember[];
  generation: number;
  /** `topic:partition` -> the next offset to consume. */
  committed: Map<string, number>;
}

export interface InMemoryClusterOptions {
  /** Create a topic on first write, as a broker with `auto.create.topics.enable=true` does. Default true. */
  autoCreateTopics?: boolean;
  /** Partitions of an auto-created topic. Default 1. */
  defaultPartitions?: number;
}

/**
 * A Kafka cluster in one process: topics of partitioned logs, consumer groups with committed offsets and a
 * round-robin assignment of partitions to members. What the in-memory client's three roles share; nothing
 * leaves the process. Changes (a write, a commit, a member joining) wake whoever waits on `nextChange`.
 */
export class InMemoryCluster {
  private readonly topics = new Map<string, StoredRecord[][]>();
  private readonly groups = new Map<string, GroupState>();
  private waiters: (() => void)[] = [];
  readonly autoCreateTopics: boolean;
  readonly defaultPartitions: number;

  constructor(options: InMemoryClusterOptions = {}) {
    this.autoCreateTopics = options.autoCreateTopics ?? true;
    this.defaultPartitions = options.defaultPartitions ?? 1;
  }

  topicNames(): string[] {
    return [...this.topics.keys()].sort();
  }

  /** Partitions of a topic; 0 when it does not exist. */
  partitionCount(topic: string): number {
    return this.topics.get(topic)?.length ?? 0;
  }

  createTopic(topic: string, numPartitions: number): void {
    const log = this.topics.get(topic);
    if (log) {
      while (log.length < numPartitions) log.push([]);
      return;
    }
    this.topics.set(
      topic,
      Array.from({ length: Math.max(1, numPartitions) }, () => []),
    );
    this.notify();
  }

  /** Appends a record and returns its offset. */
  append(
    topic: string,
    partition: number,
    record: { key: Buffer | null; value: Buffer | null; headers: RecordHeaders },
  ): number {
    const log = this.topics.get(topic)![partition];
    const offset = log.length;
    log.push({ ...record, offset: String(offset), timestamp: String(Date.now()) });
    this.notify();
    return offset;
  }

  /** Records of one partition from `from` on, at most `max`. */
  read(topic: string, partition: number, from: number, max: number): readonly ConsumedRecord[] {
    return this.topics.get(topic)?.[partition]?.slice(from, from + max) ?? [];
  }

  /** The offset the next record of a partition gets. */
  endOffset(topic: string, partition: number): number {
    return this.topics.get(topic)?.[partition]?.length ?? 0;
  }

  committed(groupId: string, topic: string, partition: number): number | undefined {
    return this.groups.get(groupId)?.committed.get(`${topic}:${partition}`);
  }

  commit(groupId: string, topic: string, partition: number, nextOffset: number): void {
    this.group(groupId).committed.set(`${topic}:${partition}`, nextOffset);
    this.notify();
  }

  generation(groupId: string): number {
    return this.group(groupId).generation;
  }

  join(groupId: string, member: InMemoryMember): void {
    const group = this.group(groupId);
    group.members.push(member);
    this.rebalance(group, member);
  }

  leave(groupId: string, member: InMemoryMember): void {
    const group = this.group(groupId);
    const index = group.members.indexOf(member);
    if (index < 0) return;
    group.members.splice(index, 1);
    this.rebalance(group, member);
  }

  /** The partitions of `member`: all partitions its group subscribes to, dealt round-robin over its members. */
  assignment(groupId: string, member: InMemoryMember): { topic: string; partition: number }[] {
    const group = this.group(groupId);
    const index = group.members.indexOf(member);
    if (index < 0) return [];
    const topics = [...new Set(group.members.flatMap((m) => m.topics))].sort();
    const all = topics.flatMap((topic) =>
      Array.from({ length: this.partitionCount(topic) }, (_, partition) => ({ topic, partition })),
    );
    return all.filter((p, i) => i % group.members.length === index && member.topics.includes(p.topic));
  }

  /** Resolves at the next change of any log, commit or membership. Take it before checking, not after. */
  nextChange(): Promise<void> {
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  notify(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const wake of waiters) wake();
  }

  private rebalance(group: GroupState, except: InMemoryMember): void {
    group.generation++;
    for (const other of group.members) if (other !== except) other.rebalance();
    this.notify();
  }

  private group(groupId: string): GroupState {
    let group = this.groups.get(groupId);
    if (!group) {
      group = { members: [], generation: 0, committed: new Map() };
      this.groups.set(groupId, group);
    }
    return group;
  }
}
