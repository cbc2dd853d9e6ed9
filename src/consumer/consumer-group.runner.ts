import { Logger } from '@nestjs/common';
import type { ConsumedBatch, GroupConsumer, GroupConsumerEvents } from '../client/group-consumer.port';
import { KafkaClientError } from '../client/kafka-client.error';
import type { KafkaClient } from '../client/kafka-client.port';
import { ThrottledLogger } from '../client/throttled-logger';
import { Backoff } from '../config/backoff';
import type { ResolvedKafkaOptions } from '../config/kafka-module-options.interface';
import type { ConsumerGroupState, ConsumerGroupStatus } from '../interfaces/consumer-group-status.interface';
import type { DeadLetterSink } from '../interfaces/dead-letter.interface';
import type { ConsumerGroupDefinition } from '../routing/event-handler.definition';
import type { ConsumedRecord } from '../interfaces/kafka-record.interface';
import { DispatchOutcome, EventDispatcher } from './event-dispatcher';
import { defaultLivenessTtl, groupLiveness, Liveness } from './group-liveness';
import { heartbeatCadence } from './in-flight.watch';
import { runKeyOrdered } from './key-ordered.scheduler';
import { PartitionBatch } from './partition-batch';
import { RedeliveryDispatcher } from './redelivery.dispatcher';
import { redeliveryTopic } from '../config/redelivery-topic';
import type { MetricsRecorder } from '../telemetry/metrics.recorder';
import { createKafkaTracing } from '../telemetry/tracing';

/** With autoCommit, at most about this much processed work is uncommitted (Java defaults to 5 s). */
const AUTO_COMMIT_INTERVAL_MS = 1000;
/** Java's fetch.max.wait.ms; kafkajs' 5 s would make an idle consumer slow to notice a stop or a new record. */
const MAX_FETCH_WAIT_MS = 500;

/**
 * The life of one consumer group: one group consumer from the client port, started, paused, restarted
 * after a crash (with backoff: it never stays down silently) and stopped. Each batch it is handed becomes a
 * PartitionBatch, whose records are dispatched in offset order (or key order, with keyConcurrency).
 */
export class ConsumerGroupRunner {
  private readonly logger: ThrottledLogger;
  private readonly dispatcher: EventDispatcher;
  private readonly livenessTtlMs: number;
  /** Batches being worked on, and when a batch last started or a record last finished: for liveness. */
  private holding = 0;
  private lastProgressAt = 0;
  /** Since when the consumer keeps failing for a reason other than an unreachable broker. */
  private failingSince?: number;
  private readonly heartbeatEveryMs: number;
  private consumer?: GroupConsumer;
  private state: ConsumerGroupState = 'idle';
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
  /** With deadLetter.replay: the route of replayed records, and why it is off (undefined: on). */
  private readonly redelivery?: RedeliveryDispatcher;
  private redeliveryOff? = 'redelivery topic not checked yet';
  /** Records handed to the dispatcher and not finished yet (counted only with metrics on). */
  private recordsInFlight = 0;

  constructor(
    readonly definition: ConsumerGroupDefinition,
    private readonly client: KafkaClient,
    private readonly options: ResolvedKafkaOptions,
    deadLetter: DeadLetterSink,
    private readonly metrics?: MetricsRecorder,
  ) {
    this.logger = new ThrottledLogger(new Logger(`KafkaConsumer:${definition.groupId}`));
    this.livenessTtlMs = options.health.livenessTtlMs ?? defaultLivenessTtl(definition.handlers);
    const hb = options.consumer.heartbeatInterval;
    const telemetry = { metrics, tracing: createKafkaTracing(options.telemetry.tracing) };
    this.dispatcher = new EventDispatcher(definition, deadLetter, hb, telemetry);
    this.heartbeatEveryMs = heartbeatCadence(options.consumer.heartbeatInterval);
    if (options.deadLetter.replay) {
      const topic = redeliveryTopic(options.dlqTopic, definition.groupId);
      this.redelivery = new RedeliveryDispatcher(topic, definition, deadLetter, hb, telemetry);
    }
  }

  /** @internal With deadLetter.replay: the group's redelivery topic. */
  get redeliveryTopic(): string | undefined {
    return this.redelivery?.topic;
  }

  /** @internal The orchestrator found the redelivery topic (or not: the group runs without the route). */
  routeRedelivery(topicExists: boolean): void {
    this.redeliveryOff = topicExists
      ? undefined
      : `topic ${this.redelivery?.topic} does not exist: create it (or set createTopics) and restart the app`;
  }

  get groupId(): string {
    return this.definition.groupId;
  }

  /** @internal Records handed to the handlers and not yet handled or parked (with metrics on; else 0). */
  get inFlight(): number {
    return this.recordsInFlight;
  }

  status(): ConsumerGroupStatus {
    return {
      groupId: this.groupId,
      state: this.state,
      topics: [...this.definition.topics],
      handlers: this.definition.handlers.map((h) => ({ id: h.id, eventName: h.eventName })),
      missingTopics: [...this.missingTopics],
      lastError: this.lastError,
      ...this.dispatcher.counters,
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
        holding: this.holding > 0,
        lastProgressAt: this.lastProgressAt,
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
      await consumer.run((batch) => this.eachBatch(batch));
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
    // Disconnecting stops fetching, waits for the batch in flight, commits what was resolved and leaves the group.
    const deadline = setTimeout(() => {
      this.logger.warn(`Handlers still running after ${deadlineMs} ms; their records stay uncommitted`);
      this.dispatcher.abortInFlight(`shutdown deadline of ${deadlineMs} ms passed`);
      this.redelivery?.abortInFlight(`shutdown deadline of ${deadlineMs} ms passed`);
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

  private async eachBatch(consumed: ConsumedBatch): Promise<void> {
    const { autoCommit, keyConcurrency } = this.definition;
    const batch = new PartitionBatch(consumed, { autoCommit, heartbeatEveryMs: this.heartbeatEveryMs });
    const dispatcher = consumed.topic === this.redelivery?.topic ? this.redelivery : this.dispatcher;
    const dispatch = this.metrics
      ? this.measured(this.metrics, consumed, (record) => dispatcher.dispatch(batch, record))
      : (record: ConsumedRecord) => dispatcher.dispatch(batch, record);
    this.holding++;
    this.lastProgressAt = Date.now();
    try {
      if (keyConcurrency > 1) {
        await runKeyOrdered(batch.records, {
          limit: keyConcurrency,
          keyOf: (record) => (record.key ? record.key.toString('latin1') : null),
          // Abandoned: the DLQ was down and the partition is going away. Unresolved, it stays uncommitted.
          run: async (record) => (await dispatch(record)) !== 'abandoned',
          onFinished: (record) => {
            this.lastProgressAt = Date.now();
            void batch.finished(record.offset)?.catch(() => undefined);
          },
          shouldContinue: () => batch.active,
        });
        // Rethrown so the client rejoins at once.
        if (batch.lostMembership !== undefined) throw batch.lostMembership;
        return;
      }
      for (const record of batch.records) {
        if (!batch.active) return;
        if ((await dispatch(record)) === 'abandoned') return;
        this.lastProgressAt = Date.now();
        const beat = batch.finished(record.offset);
        if (beat) await beat;
        // Manual commits: the record is committed before the next one starts, as `autoCommit: false` promises.
        if (!autoCommit) await batch.settle();
      }
    } finally {
      this.holding--;
      await batch.close();
    }
  }

  /** Dispatch that counts each record consumed, and in flight until it is handled or parked. */
  private measured(
    metrics: MetricsRecorder,
    consumed: ConsumedBatch,
    dispatch: (record: ConsumedRecord) => Promise<DispatchOutcome>,
  ): (record: ConsumedRecord) => Promise<DispatchOutcome> {
    const attributes = metrics.partitionAttributes(this.groupId, consumed.topic, consumed.partition);
    return async (record) => {
      metrics.consume(attributes);
      this.recordsInFlight++;
      try {
        return await dispatch(record);
      } finally {
        this.recordsInFlight--;
      }
    };
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
