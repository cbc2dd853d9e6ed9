import { UnknownReplayHandlerError } from '../errors/unknown-replay-handler.error';
import type { DeadLetterSink } from '../interfaces/dead-letter.interface';
import type { ConsumedRecord } from '../interfaces/kafka-record.interface';
import { DeadLetterHeaders, DeadLetterReplayHeaders, EventHeaders } from '../kafka.constants';
import type { ConsumerGroupDefinition } from '../routing/event-handler.definition';
import { headerText } from '../routing/event-record.parser';
import type { ConsumerTelemetry } from '../telemetry/consumer-telemetry';
import { DispatchCounters, DispatchOutcome, EventDispatcher, LeasedPartition } from './event-dispatcher';

/**
 * Dispatches the records of a group's redelivery topic (what `DeadLetterService.replay` writes): each to the
 * one handler its `dlq-replay-handler` header names, never to the group's other handlers. The handler sees the
 * original record (its topic, partition, offset and timestamp, from the `dlq-original-*` headers), and a
 * failure parks it again as a failure of that original record, carrying its `dlq-replay-count` along.
 */
export class RedeliveryDispatcher {
  private readonly byHandler = new Map<string, EventDispatcher>();

  constructor(
    readonly topic: string,
    private readonly group: ConsumerGroupDefinition,
    private readonly deadLetter: DeadLetterSink,
    heartbeatIntervalMs: number,
    telemetry: ConsumerTelemetry = {},
  ) {
    // One dispatcher per handler, built once: each routes to its own handler alone.
    for (const handler of group.handlers) {
      this.byHandler.set(
        handler.id,
        new EventDispatcher({ ...group, handlers: [handler] }, deadLetter, heartbeatIntervalMs, telemetry),
      );
    }
  }

  get counters(): DispatchCounters {
    const sum: DispatchCounters = { handled: 0, skipped: 0, parked: 0 };
    for (const { counters } of this.byHandler.values()) {
      sum.handled += counters.handled;
      sum.skipped += counters.skipped;
      sum.parked += counters.parked;
    }
    sum.parked += this.unknownParked;
    return sum;
  }

  private unknownParked = 0;

  async dispatch(batch: LeasedPartition, record: ConsumedRecord): Promise<DispatchOutcome> {
    const header = (name: string) => headerText(record.headers, name) || undefined;
    const partition = Number(header(DeadLetterHeaders.ORIGINAL_PARTITION));
    const original: LeasedPartition = {
      topic: header(DeadLetterHeaders.ORIGINAL_TOPIC) ?? batch.topic,
      partition: Number.isInteger(partition) ? partition : batch.partition,
      get active() {
        return batch.active;
      },
      heartbeat: () => batch.heartbeat(),
      wait: (ms) => batch.wait(ms),
    };
    const asParked: ConsumedRecord = {
      ...record,
      offset: header(DeadLetterHeaders.ORIGINAL_OFFSET) ?? record.offset,
      timestamp: header(DeadLetterHeaders.ORIGINAL_TIMESTAMP) ?? record.timestamp,
    };
    const handlerId = header(DeadLetterReplayHeaders.HANDLER) ?? '';
    const dispatcher = this.byHandler.get(handlerId);
    if (dispatcher) return dispatcher.dispatch(original, asParked);

    const error = new UnknownReplayHandlerError(handlerId, this.group.groupId, [...this.byHandler.keys()]);
    const parked = await this.deadLetter.park(
      asParked,
      [
        {
          topic: original.topic,
          partition: original.partition,
          offset: asParked.offset,
          timestamp: asParked.timestamp,
          reason: 'handler-error',
          error,
          failedAt: new Date(),
          groupId: this.group.groupId,
          handler: handlerId,
          eventName: header(EventHeaders.EVENT_NAME),
          correlationId: header(EventHeaders.CORRELATION_ID),
          attempts: 0,
        },
      ],
      batch,
    );
    if (!parked) return 'abandoned';
    this.unknownParked++;
    return 'parked';
  }

  /** The handler attempts in flight, described for a log line (shutdown). */
  running(): string[] {
    return [...this.byHandler.values()].flatMap((d) => d.running());
  }

  abortInFlight(reason: string): void {
    for (const dispatcher of this.byHandler.values()) dispatcher.abortInFlight(reason);
  }
}
