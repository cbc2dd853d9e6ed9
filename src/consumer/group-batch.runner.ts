import type { ConsumedBatch } from '../client/group-consumer.port';
import type { ResolvedKafkaOptions } from '../config/kafka-module-options.interface';
import { redeliveryTopic } from '../config/redelivery-topic';
import type { DeadLetterSink } from '../interfaces/dead-letter.interface';
import type { ConsumedRecord } from '../interfaces/kafka-record.interface';
import type { ConsumerGroupDefinition } from '../routing/event-handler.definition';
import type { ConsumerTelemetry } from '../telemetry/consumer-telemetry';
import type { MetricsRecorder } from '../telemetry/metrics.recorder';
import { DispatchOutcome, EventDispatcher } from './event-dispatcher';
import type { GroupProgress } from './group-liveness';
import { heartbeatCadence } from './in-flight.watch';
import { runKeyOrdered } from './key-ordered.scheduler';
import { PartitionBatch } from './partition-batch';
import { RedeliveryDispatcher } from './redelivery.dispatcher';

/**
 * Runs the batches of one consumer group, as kafkajs' consumer/runner.js does for its consumer: each batch the
 * group consumer hands over becomes a PartitionBatch, whose records are dispatched in offset order (or key order,
 * with keyConcurrency) to the handlers, or, from the group's redelivery topic, to the handler a replay names.
 * It knows nothing of the group's state or restarts (ConsumerGroupSupervisor); it tells it how far it got.
 */
export class GroupBatchRunner {
  private readonly dispatcher: EventDispatcher;
  private readonly metrics?: MetricsRecorder;
  /** With deadLetter.replay: the route of replayed records. */
  readonly redelivery?: RedeliveryDispatcher;
  private readonly heartbeatEveryMs: number;
  /** Batches being worked on, and when a batch last started or a record last finished: for liveness. */
  private holding = 0;
  private lastProgressAt = 0;
  /** Records handed to the dispatcher and not finished yet (counted only with metrics on). */
  private recordsInFlight = 0;

  constructor(
    private readonly definition: ConsumerGroupDefinition,
    options: ResolvedKafkaOptions,
    deadLetter: DeadLetterSink,
    telemetry: ConsumerTelemetry = {},
  ) {
    const hb = options.consumer.heartbeatInterval;
    this.metrics = telemetry.metrics;
    this.dispatcher = new EventDispatcher(definition, deadLetter, hb, telemetry);
    this.heartbeatEveryMs = heartbeatCadence(hb);
    if (options.deadLetter.replay) {
      const topic = redeliveryTopic(options.dlqTopic, definition.groupId);
      this.redelivery = new RedeliveryDispatcher(topic, definition, deadLetter, hb, telemetry);
    }
  }

  /** Records handed to the handlers and not yet handled or parked (with metrics on; else 0). */
  get inFlight(): number {
    return this.recordsInFlight;
  }

  /** Whether a batch is being worked on, and when work last moved on: what liveness reads. */
  get progress(): Pick<GroupProgress, 'holding' | 'lastProgressAt'> {
    return { holding: this.holding > 0, lastProgressAt: this.lastProgressAt };
  }

  /** Records handled, skipped and parked from the group's topics. */
  get counters(): EventDispatcher['counters'] {
    return this.dispatcher.counters;
  }

  /** The attempts running now, one line each (handler, record, for how long), for shutdown's log lines. */
  running(): string[] {
    return [...this.dispatcher.running(), ...(this.redelivery?.running() ?? [])];
  }

  /** The shutdown deadline passed: handlers still running are cut short, their records stay uncommitted. */
  abortInFlight(reason: string): void {
    this.dispatcher.abortInFlight(reason);
    this.redelivery?.abortInFlight(reason);
  }

  /** One batch of one partition, from the group consumer; rejects to make the client rejoin at once. */
  async run(consumed: ConsumedBatch): Promise<void> {
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
    const attributes = metrics.partitionAttributes(
      this.definition.groupId,
      consumed.topic,
      consumed.partition,
    );
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
}
