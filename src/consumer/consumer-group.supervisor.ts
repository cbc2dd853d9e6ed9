import { Logger } from '@nestjs/common';
import type { GroupConsumer, GroupConsumerEvents } from '../client/group-consumer.port';
import { KafkaClientError } from '../client/kafka-client.error';
import type { KafkaClient } from '../client/kafka-client.port';
import { ThrottledLogger } from '../common/throttled-logger';
import { Backoff } from '../common/backoff';
import type { ResolvedKafkaOptions } from '../config/kafka-module-options.interface';
import type { ConsumerGroupState, ConsumerGroupStatus } from '../interfaces/consumer-group-status.interface';
import type { DeadLetterSink } from '../interfaces/dead-letter.interface';
import type { ConsumerGroupDefinition } from '../routing/event-handler.definition';
import type { ConsumerTelemetry } from '../telemetry/consumer-telemetry';
import { redeliveryRouteOff, stoppingWithHandlers } from '../kafka.messages';
import { GroupBatchRunner } from './group-batch.runner';
import { defaultLivenessTtl, groupLiveness, Liveness } from './group-liveness';

/** With autoCommit, at most about this much processed work is uncommitted (Java defaults to 5 s). */
const AUTO_COMMIT_INTERVAL_MS = 1000;
/** Java's fetch.max.wait.ms; kafkajs' 5 s would make an idle consumer slow to notice a stop or a new record. */
const MAX_FETCH_WAIT_MS = 500;

/**
 * Supervises one consumer group, as kafkajs' consumer/index.js does its runner: one group consumer from the
 * client port, started, paused, restarted after a crash (with backoff: it never stays down silently) and
 * stopped; its state, status and liveness. The batches it is handed are run by its GroupBatchRunner.
 */
export class ConsumerGroupSupervisor {
  private readonly logger: ThrottledLogger;
  private readonly batches: GroupBatchRunner;
  private readonly livenessTtlMs: number;
  /** Since when the consumer keeps failing for a reason other than an unreachable broker. */
  private failingSince?: number;
  private consumer?: GroupConsumer;
  private currentState: ConsumerGroupState = 'idle';
  /** Told of each change of state (whenRunning's waiters): no polling. */
  private readonly stateListeners = new Set<() => void>();
  private lastError?: string;
  private missingTopics: string[] = [];
  private restartTimer?: NodeJS.Timeout;
  private starting?: Promise<void>;
  private readonly restartBackoff = new Backoff({
    initialMs: 1000,
    maxMs: 30_000,
    multiplier: 2,
    jitter: false,
  });
  private wanted = false;
  private paused = false;
  /** With deadLetter.replay: why the route of replayed records is off (undefined: on). */
  private redeliveryOff? = 'redelivery topic not checked yet';

  constructor(
    readonly definition: ConsumerGroupDefinition,
    private readonly client: KafkaClient,
    private readonly options: ResolvedKafkaOptions,
    deadLetter: DeadLetterSink,
    telemetry: ConsumerTelemetry = {},
  ) {
    this.logger = new ThrottledLogger(new Logger(`KafkaConsumer:${definition.groupId}`));
    this.livenessTtlMs = options.health.livenessTtlMs ?? defaultLivenessTtl(definition.handlers);
    this.batches = new GroupBatchRunner(definition, options, deadLetter, telemetry);
  }

  private get redelivery() {
    return this.batches.redelivery;
  }

  /** @internal With deadLetter.replay: the group's redelivery topic. */
  get redeliveryTopic(): string | undefined {
    return this.redelivery?.topic;
  }

  /** @internal The orchestrator found the redelivery topic (or not: the group runs without the route). */
  routeRedelivery(topicExists: boolean): void {
    this.redeliveryOff =
      topicExists || !this.redelivery ? undefined : redeliveryRouteOff(this.redelivery.topic);
  }

  get groupId(): string {
    return this.definition.groupId;
  }

  private get state(): ConsumerGroupState {
    return this.currentState;
  }

  private set state(next: ConsumerGroupState) {
    if (next === this.currentState) return;
    this.currentState = next;
    for (const listener of [...this.stateListeners]) listener();
  }

  /** @internal Calls `listener` after each change of state, until the returned function is called. */
  onStateChange(listener: () => void): () => void {
    this.stateListeners.add(listener);
    return () => this.stateListeners.delete(listener);
  }

  /** @internal Records handed to the handlers and not yet handled or parked (with metrics on; else 0). */
  get inFlight(): number {
    return this.batches.inFlight;
  }

  status(): ConsumerGroupStatus {
    return {
      groupId: this.groupId,
      state: this.state,
      topics: [...this.definition.topics],
      handlers: this.definition.handlers.map((h) => ({ id: h.id, eventName: h.eventName })),
      missingTopics: [...this.missingTopics],
      lastError: this.lastError,
      ...this.batches.counters,
      ...(this.redelivery && {
        redelivery: {
          topic: this.redelivery.topic,
          on: this.redeliveryOff === undefined && this.consumer !== undefined,
          ...(this.redeliveryOff && { off: this.redeliveryOff }),
          ...this.redelivery.counters,
        },
      }),
    };
  }

  /** Whether the group still does its job, from its own state: no broker call (see group-liveness.ts). */
  liveness(now = Date.now()): Liveness {
    return groupLiveness(
      {
        ...this.batches.progress,
        failingSince: this.wanted ? this.failingSince : undefined,
        failure: this.lastError,
      },
      now,
      this.livenessTtlMs,
    );
  }

  /** The group cannot start until these topics exist; the orchestrator checks again later. */
  waitForTopics(missing: string[]): void {
    this.wanted = true;
    this.missingTopics = missing;
    this.state = 'waiting-for-topics';
  }

  async start(): Promise<void> {
    this.wanted = true;
    this.missingTopics = [];
    if (this.consumer) return this.starting;
    this.starting = this.open().finally(() => (this.starting = undefined));
    return this.starting;
  }

  private async open(): Promise<void> {
    this.clearRestart();
    this.state = 'connecting';
    const { groupId, topics, fromBeginning, autoCommit } = this.definition;
    const { sessionTimeout, heartbeatInterval, concurrency } = this.options.consumer;
    let consumer: GroupConsumer | undefined = undefined;
    consumer = this.client.groupConsumer(
      {
        groupId,
        topics,
        fromBeginning,
        // Replayed records wait there for the group: a group new to it must still read them all.
        fromBeginningTopics: this.redelivery && !this.redeliveryOff ? [this.redelivery.topic] : undefined,
        sessionTimeout,
        heartbeatInterval,
        autoCommit,
        autoCommitIntervalMs: AUTO_COMMIT_INTERVAL_MS,
        partitionsConsumedConcurrently: concurrency,
        maxWaitTimeMs: MAX_FETCH_WAIT_MS,
      },
      this.watch(() => consumer),
    );
    this.consumer = consumer;
    try {
      await consumer.run((batch) => this.batches.run(batch));
      // stop() waits for this start, but a crash handler may have replaced the consumer meanwhile.
      if (this.consumer !== consumer) return;
      if (this.paused) consumer.pause();
    } catch (error) {
      this.fail(consumer, error, 'start');
    }
  }

  /**
   * Stops fetching, lets the record in flight finish (up to `deadlineMs`, after which its handlers are cut
   * short and the record stays uncommitted), commits what was processed, and leaves the group.
   */
  async stop(deadlineMs = this.options.shutdownTimeoutMs): Promise<void> {
    this.wanted = false;
    this.clearRestart();
    // A start in flight finishes first, so the consumer it opens is the one stopped here, not left running.
    await this.starting?.catch(() => undefined);
    const consumer = this.consumer;
    this.consumer = undefined;
    if (!consumer) {
      this.state = 'stopped';
      return;
    }
    this.state = 'stopping';
    const running = this.batches.running();
    if (running.length > 0) this.logger.warn(stoppingWithHandlers(running, deadlineMs));
    // Disconnecting stops fetching, waits for the batch in flight, commits what was resolved and leaves the group.
    const deadline = setTimeout(() => {
      this.logger.warn(
        `Handlers still running after ${deadlineMs} ms (${this.batches.running().join('; ')}); cut, their records stay uncommitted`,
      );
      this.batches.abortInFlight(`shutdown deadline of ${deadlineMs} ms passed`);
    }, deadlineMs);
    await consumer
      .disconnect()
      .catch((error: Error) => this.logger.warn(`Disconnect failed: ${error.message}`));
    clearTimeout(deadline);
    this.state = 'stopped';
    this.logger.log('Stopped');
  }

  pause(): void {
    this.paused = true;
    this.consumer?.pause();
    if (this.state === 'running') this.state = 'paused';
  }

  resume(): void {
    this.paused = false;
    this.consumer?.resume();
    if (this.state === 'paused') this.state = 'running';
  }

  /** Status from what the group consumer reports; events of a replaced consumer are ignored. */
  private watch(current: () => GroupConsumer | undefined): GroupConsumerEvents {
    let joined = false;
    const mine = () => current() !== undefined && this.consumer === current();
    const consuming = () => {
      joined = false;
      this.state = this.paused ? 'paused' : 'running';
      this.lastError = undefined;
      this.failingSince = undefined;
      this.restartBackoff.reset();
      this.logger.log(`Joined; consuming ${this.definition.topics.join(', ')}`);
    };
    return {
      joined: (assignedPartitions) => {
        if (!mine()) return;
        joined = true;
        // A member with no partitions (more members than partitions) never fetches: it is as up as it gets.
        if (assignedPartitions === 0) consuming();
      },
      // Running means consuming: the first fetch after a join has resolved the group's start offsets, so an
      // event sent from now on is seen even by a new group that starts at the latest offset.
      fetched: () => {
        if (mine() && joined) consuming();
      },
      rebalancing: () => {
        if (mine()) this.state = 'rebalancing';
      },
      crashed: (error, restarting) => {
        const consumer = current();
        if (!consumer || !mine()) return;
        this.lastError = error.message;
        this.noteFailure(error);
        if (restarting) {
          // The client restarts on retriable errors (a broker going away) by itself.
          this.state = 'connecting';
          this.logger.warn(`Consumer crashed, the client restarts it: ${error.message}`);
        } else {
          this.fail(consumer, error, 'crash');
        }
      },
      stopped: () => {
        if (mine() && !this.wanted) this.state = 'stopped';
      },
    };
  }

  /** A consumer that cannot go on is replaced by a new one after a backoff, while the group is wanted. */
  private fail(consumer: GroupConsumer, error: unknown, when: string): void {
    if (this.consumer !== consumer) return;
    const message = error instanceof Error ? error.message : String(error);
    this.lastError = message;
    this.state = 'crashed';
    this.consumer = undefined;
    const transient = this.noteFailure(error);
    void consumer.disconnect().catch(() => undefined);
    if (!this.wanted) return;
    const wait = this.restartBackoff.next();
    const line = `Consumer failed on ${when} (${message}); restarting in ${wait} ms`;
    // An unreachable broker is retried and reported by readiness; anything else needs a person.
    if (transient) this.logger.warn(line);
    else this.logger.error(line);
    this.restartTimer = setTimeout(() => void this.start(), wait);
    this.restartTimer.unref();
  }

  /** Starts the liveness clock for a failure that is not the broker being away; true for a transient one. */
  private noteFailure(error: unknown): boolean {
    const transient = error instanceof KafkaClientError && (error.kind === 'unreachable' || error.retriable);
    if (!transient) this.failingSince ??= Date.now();
    return transient;
  }

  private clearRestart(): void {
    if (this.restartTimer) clearTimeout(this.restartTimer);
    this.restartTimer = undefined;
  }
}
