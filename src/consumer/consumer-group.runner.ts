import { Logger } from '@nestjs/common';
import { Consumer, EachBatchPayload, KafkaMessage } from 'kafkajs';
import { KafkaClient } from '../client/kafka-client.factory';
import { DeadLetterPublisher } from '../dead-letter/dead-letter.publisher';
import { ConsumerGroupState, ConsumerGroupStatus } from '../interfaces/consumer-group-status.interface';
import { ConsumerGroupDefinition } from '../interfaces/event-handler-definition.interface';
import { ResolvedKafkaOptions } from '../interfaces/kafka-module-options.interface';
import { BatchProgress } from './batch-progress';
import { EventDispatcher } from './event-dispatcher';
import { heartbeatCadence } from './in-flight.watch';
import { runKeyOrdered } from './key-ordered.scheduler';

const RESTART_BACKOFF_MS = { first: 1000, max: 30_000 };
const AUTO_COMMIT_INTERVAL_MS = 1000;

/**
 * One kafkajs consumer for one consumer group, run on eachBatch. Offsets are resolved strictly in order
 * and only after the record was handled or parked, so a commit never passes an unfinished record.
 * A consumer that crashes, or cannot connect, is restarted with backoff: it never stays down silently.
 */
export class ConsumerGroupRunner {
  private readonly logger: Logger;
  private readonly dispatcher: EventDispatcher;
  private readonly heartbeatEveryMs: number;
  private consumer?: Consumer;
  private state: ConsumerGroupState = 'idle';
  private lastError?: string;
  private missingTopics: string[] = [];
  private restartTimer?: NodeJS.Timeout;
  private starting?: Promise<void>;
  private restartBackoff = RESTART_BACKOFF_MS.first;
  private wanted = false;
  private paused = false;

  constructor(
    readonly definition: ConsumerGroupDefinition,
    private readonly client: KafkaClient,
    private readonly options: ResolvedKafkaOptions,
    deadLetter: DeadLetterPublisher,
  ) {
    this.logger = new Logger(`KafkaConsumer:${definition.groupId}`);
    this.dispatcher = new EventDispatcher(definition, deadLetter, options.consumer.heartbeatInterval);
    this.heartbeatEveryMs = heartbeatCadence(options.consumer.heartbeatInterval);
  }

  get groupId(): string {
    return this.definition.groupId;
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
    };
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
    const consumer = this.client.consumer({
      groupId: this.groupId,
      sessionTimeout: this.options.consumer.sessionTimeout,
      heartbeatInterval: this.options.consumer.heartbeatInterval,
      allowAutoTopicCreation: false,
      // Java's fetch.max.wait.ms; kafkajs' 5 s would make an idle consumer slow to notice a stop or a new record.
      maxWaitTimeInMs: 500,
    });
    this.consumer = consumer;
    this.watch(consumer);
    try {
      await consumer.connect();
      // stop() waits for this start, but a crash handler may have replaced the consumer meanwhile.
      if (this.consumer !== consumer) return;
      await consumer.subscribe({
        topics: [...this.definition.topics],
        fromBeginning: this.definition.fromBeginning,
      });
      if (this.consumer !== consumer) return;
      await consumer.run({
        autoCommit: this.definition.autoCommit,
        // With autoCommit, at most about this much processed work is uncommitted (Java defaults to 5 s).
        autoCommitInterval: AUTO_COMMIT_INTERVAL_MS,
        eachBatchAutoResolve: false,
        partitionsConsumedConcurrently: this.options.consumer.concurrency,
        eachBatch: (payload) => this.eachBatch(consumer, payload),
      });
      if (this.paused) this.pauseTopics(consumer);
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
    // kafkajs' disconnect stops fetching, waits for the batch in flight, commits what was resolved and leaves the group.
    const deadline = setTimeout(() => {
      this.logger.warn(`Handlers still running after ${deadlineMs} ms; their records stay uncommitted`);
      this.dispatcher.abortInFlight(`shutdown deadline of ${deadlineMs} ms passed`);
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
    if (this.consumer) this.pauseTopics(this.consumer);
    if (this.state === 'running') this.state = 'paused';
  }

  resume(): void {
    this.paused = false;
    this.consumer?.resume(this.definition.topics.map((topic) => ({ topic })));
    if (this.state === 'paused') this.state = 'running';
  }

  private async eachBatch(consumer: Consumer, payload: EachBatchPayload): Promise<void> {
    const { batch, heartbeat, isRunning } = payload;
    // A failed heartbeat means a rebalance: start nothing more, and rethrow it so kafkajs rejoins at once.
    let lostMembership: unknown;
    const control = {
      heartbeat: () =>
        heartbeat().catch((error: unknown) => {
          lostMembership ??= error;
          throw error;
        }),
      // Not isStale(): it turns true only after consumer.seek(), which this library never calls, and asked
      // per record it cost a string key and a map lookup.
      shouldContinue: () => lostMembership === undefined && isRunning(),
    };
    const { autoCommit, keyConcurrency } = this.definition;
    const progress = new BatchProgress(
      payload,
      consumer,
      autoCommit,
      this.heartbeatEveryMs,
      control.heartbeat,
    );
    const dispatch = (message: KafkaMessage) =>
      this.dispatcher.dispatch(batch.topic, batch.partition, message, control);
    try {
      if (keyConcurrency > 1) {
        await runKeyOrdered(batch.messages, {
          limit: keyConcurrency,
          keyOf: (message) => (message.key ? message.key.toString('latin1') : null),
          // Abandoned: the DLQ was down and the partition is going away. Unresolved, it stays uncommitted.
          run: async (message) => (await dispatch(message)) !== 'abandoned',
          onFinished: (message) => void progress.finished(message.offset)?.catch(() => undefined),
          shouldContinue: control.shouldContinue,
        });
        if (lostMembership !== undefined) throw lostMembership;
        return;
      }
      for (const message of batch.messages) {
        if (!control.shouldContinue()) return;
        if ((await dispatch(message)) === 'abandoned') return;
        const beat = progress.finished(message.offset);
        if (beat) await beat;
        // Manual commits: the record is committed before the next one starts, as `autoCommit: false` promises.
        if (!autoCommit) await progress.settle();
      }
    } finally {
      await progress.close();
    }
  }

  private watch(consumer: Consumer): void {
    const { GROUP_JOIN, FETCH, CRASH, REBALANCING, STOP } = consumer.events;
    let joined = false;
    const consuming = () => {
      joined = false;
      this.state = this.paused ? 'paused' : 'running';
      this.lastError = undefined;
      this.restartBackoff = RESTART_BACKOFF_MS.first;
      this.logger.log(`Joined; consuming ${this.definition.topics.join(', ')}`);
    };
    consumer.on(GROUP_JOIN, ({ payload }) => {
      if (this.consumer !== consumer) return;
      joined = true;
      // A member with no partitions (more members than partitions) never fetches: it is as up as it gets.
      if (Object.values(payload.memberAssignment).every((p) => p.length === 0)) consuming();
    });
    // Running means consuming: the first fetch after a join has resolved the group's start offsets, so an
    // event sent from now on is seen even by a new group that starts at the latest offset.
    consumer.on(FETCH, () => {
      if (this.consumer === consumer && joined) consuming();
    });
    consumer.on(REBALANCING, () => {
      if (this.consumer === consumer) this.state = 'rebalancing';
    });
    consumer.on(CRASH, ({ payload }) => {
      if (this.consumer !== consumer) return;
      this.lastError = payload.error.message;
      if (payload.restart) {
        // kafkajs restarts on retriable errors (a broker going away) by itself.
        this.state = 'connecting';
        this.logger.warn(`Consumer crashed, kafkajs restarts it: ${payload.error.message}`);
      } else {
        this.fail(consumer, payload.error, 'crash');
      }
    });
    consumer.on(STOP, () => {
      if (this.consumer === consumer && !this.wanted) this.state = 'stopped';
    });
  }

  /** A consumer that cannot go on is replaced by a new one after a backoff, while the group is wanted. */
  private fail(consumer: Consumer, error: unknown, when: string): void {
    if (this.consumer !== consumer) return;
    const message = error instanceof Error ? error.message : String(error);
    this.lastError = message;
    this.state = 'crashed';
    this.consumer = undefined;
    void consumer.disconnect().catch(() => undefined);
    if (!this.wanted) return;
    const wait = this.restartBackoff;
    this.restartBackoff = Math.min(this.restartBackoff * 2, RESTART_BACKOFF_MS.max);
    this.logger.error(`Consumer failed on ${when} (${message}); restarting in ${wait} ms`);
    this.restartTimer = setTimeout(() => void this.start(), wait);
    this.restartTimer.unref();
  }

  private pauseTopics(consumer: Consumer): void {
    consumer.pause(this.definition.topics.map((topic) => ({ topic })));
  }

  private clearRestart(): void {
    if (this.restartTimer) clearTimeout(this.restartTimer);
    this.restartTimer = undefined;
  }
}
