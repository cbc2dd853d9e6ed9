import { Inject, Injectable, OnApplicationBootstrap } from '@nestjs/common';
import { KafkaConsumerService } from '../consumer/kafka-consumer.service';
import { EventHandlerRegistry } from '../discovery/event-handler.registry';
import { EmitTimeoutError, KafkaTestingSetupError } from '../errors/kafka-testing.error';
import type { DeadLetterReason } from '../interfaces/dead-letter.interface';
import type { EventContext } from '../interfaces/event-context.interface';
import type { EventPayload, EventValidationIssue } from '../interfaces/event-schema.interface';
import { DeadLetterHeaders, EventHeaders } from '../kafka.constants';
import { emitTimedOut, testingDisabled, testingNotInitialised } from '../kafka.messages';
import { KafkaProducerService } from '../producer/kafka-producer.service';
import type { EventHandlerDefinition } from '../routing/event-handler.definition';
import { compileEventPattern } from '../routing/event-pattern';
import { EventRouter } from '../routing/event-router';
import { createEventContext } from './event-context.factory';
import type {
  TestDeadLetter,
  EmitOptions,
  EmitResult,
  HandlerTestOutcome,
  PublishedEvent,
} from './kafka-testing.interfaces';
import type { RecordedWrite, TestRecorder } from './test.recorder';

/** @internal */
export const KAFKA_TEST_RECORDER = Symbol('kafka:test_recorder');

/** States a group settles in; emit() waits for every group to reach one before it sends. */
const SETTLED = new Set(['running', 'paused', 'stopped']);
/** States in which a group works on new records. */
const CONSUMING = new Set(['running', 'rebalancing']);

/**
 * Drives the app's real event path from a test: `emit` sends through KafkaProducerService and resolves
 * once every matching handler is done with the event (retries included), with each one's outcome;
 * `published` and `deadLetters` show what the app wrote. Works on the in-memory transport and on a broker.
 */
@Injectable()
export class KafkaTestHarness implements OnApplicationBootstrap {
  private started = false;
  private readonly emitted = new Set<string>();
  private routers?: { groupId: string; router: EventRouter<EventHandlerDefinition> }[];

  /** @internal Made by Nest's injector. */
  constructor(
    @Inject(KAFKA_TEST_RECORDER) private readonly recorder: TestRecorder,
    private readonly producer: KafkaProducerService,
    private readonly consumers: KafkaConsumerService,
    private readonly registry: EventHandlerRegistry,
  ) {}

  /** @internal */
  onApplicationBootstrap(): void {
    this.started = true;
  }

  /**
   * Sends an event as the app would, then waits until each consumer group it reaches has handled or parked
   * it. Rejects with EmitTimeoutError past `timeoutMs`. Handlers of a paused or stopped group are `pending`.
   */
  async emit<const TName extends string>(
    eventName: TName,
    payload: EventPayload<TName>,
    options: EmitOptions = {},
  ): Promise<EmitResult> {
    if (!this.started) throw new KafkaTestingSetupError(testingNotInitialised('emit'));
    const { timeoutMs = this.recorder.transport === 'memory' ? 10_000 : 60_000, ...sendOptions } = options;
    const deadline = Date.now() + timeoutMs;
    await this.until(
      () => this.consumers.list().every((group) => SETTLED.has(group.state)),
      deadline,
      () => {
        const unsettled = this.consumers.list().filter((group) => !SETTLED.has(group.state));
        return new EmitTimeoutError(
          eventName,
          unsettled.map((g) => g.groupId),
          emitTimedOut(
            eventName,
            timeoutMs,
            unsettled.map((g) => `group ${g.groupId} to start (it is ${g.state})`),
          ),
        );
      },
    );
    const sent = await this.producer.send(eventName, payload, sendOptions);
    if (!sent.sent) throw new KafkaTestingSetupError(testingDisabled('emit'));
    this.emitted.add(sent.eventId);

    const offset = BigInt(sent.offset);
    const reached = this.route(eventName, sent.topic);
    const waiting = () =>
      reached.filter(
        ({ groupId }) =>
          CONSUMING.has(this.consumers.get(groupId)?.state ?? 'stopped') &&
          (this.recorder.finishedThrough(groupId, sent.topic, sent.partition) ?? -1n) < offset,
      );
    await this.until(
      () => waiting().length === 0,
      deadline,
      () => {
        const groups = [...new Set(waiting().map((h) => h.groupId))];
        return new EmitTimeoutError(
          eventName,
          groups,
          emitTimedOut(
            eventName,
            timeoutMs,
            groups.map((g) => `group ${g} to finish ${sent.topic}[${sent.partition}]@${sent.offset}`),
          ),
        );
      },
    );

    const parked = this.deadLetters().filter(
      (d) =>
        d.original.topic === sent.topic &&
        d.original.partition === sent.partition &&
        d.original.offset === sent.offset,
    );
    const outcomes = reached.map(({ groupId, handler }): HandlerTestOutcome => {
      const letter = parked.find((d) => d.groupId === groupId && d.handler === handler);
      if (letter) {
        const { reason, error, attempts, issues } = letter;
        return { handler, groupId, status: 'parked', reason, error, attempts, ...(issues ? { issues } : {}) };
      }
      const finished = this.recorder.finishedThrough(groupId, sent.topic, sent.partition) ?? -1n;
      return { handler, groupId, status: finished >= offset ? 'handled' : 'pending' };
    });
    return { ...sent, outcomes, outcome: (handler) => outcomes.find((o) => o.handler === handler) };
  }

  /** Events the app sent (handlers and services; not emit()'s own), optionally only names matching `pattern`. */
  published<TPayload = unknown>(pattern?: string): PublishedEvent<TPayload>[] {
    const matches = pattern ? compileEventPattern(pattern, 'KafkaTestHarness.published') : undefined;
    return this.recorder.writes
      .filter((w) => !isDeadLetter(w) && !this.emitted.has(w.headers[EventHeaders.EVENT_ID]))
      .map((w) => toPublished<TPayload>(w))
      .filter((e) => !matches || matches.matches(e.eventName));
  }

  /** Records the app parked in the dead-letter topic, in the order it wrote them. */
  deadLetters(): TestDeadLetter[] {
    return this.recorder.writes.filter(isDeadLetter).map(toDeadLetter);
  }

  /** Forgets what was published and parked so far (the consumers and their offsets stay). */
  reset(): void {
    this.recorder.clearWrites();
    this.emitted.clear();
  }

  /** An EventContext with every field filled, for calling a handler method directly. */
  createEventContext(partial?: Partial<EventContext>): EventContext {
    return createEventContext(partial);
  }

  /** Every handler that gets `eventName` on `topic`, with its group, in registration order. */
  private route(eventName: string, topic: string): { groupId: string; handler: string }[] {
    this.routers ??= this.registry.groupDefinitions().map((group) => ({
      groupId: group.groupId,
      router: new EventRouter(group.handlers),
    }));
    return this.routers.flatMap(({ groupId, router }) =>
      router.route(eventName, topic).map((h) => ({ groupId, handler: h.id })),
    );
  }

  /** Waits for `done`, waking on every recorded write or consumer progress, and polling for state changes. */
  private async until(done: () => boolean, deadline: number, timedOut: () => Error): Promise<void> {
    while (!done()) {
      const left = deadline - Date.now();
      if (left <= 0) throw timedOut();
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([
        this.recorder.nextChange(),
        new Promise<void>((resolve) => (timer = setTimeout(resolve, Math.min(left, 20)))),
      ]);
      clearTimeout(timer);
    }
  }
}

function isDeadLetter(write: RecordedWrite): boolean {
  return (
    write.headers[DeadLetterHeaders.REASON] !== undefined &&
    write.headers[DeadLetterHeaders.ORIGINAL_OFFSET] !== undefined
  );
}

function parseValue(value: string | null): unknown {
  if (value === null) return null;
  try {
    return JSON.parse(value);
  } catch {
    return value;
  }
}

function toPublished<TPayload>(write: RecordedWrite): PublishedEvent<TPayload> {
  const { headers } = write;
  return {
    eventName: headers[EventHeaders.EVENT_NAME] ?? '',
    payload: parseValue(write.value) as TPayload,
    topic: write.topic,
    partition: write.partition,
    offset: write.offset,
    key: write.key,
    headers,
    eventId: headers[EventHeaders.EVENT_ID] ?? '',
    correlationId: headers[EventHeaders.CORRELATION_ID] ?? '',
  };
}

function toDeadLetter(write: RecordedWrite): TestDeadLetter {
  const h = write.headers;
  const issues = parseIssues(h[DeadLetterHeaders.VALIDATION_ISSUES]);
  return {
    reason: h[DeadLetterHeaders.REASON] as DeadLetterReason,
    handler: h[DeadLetterHeaders.HANDLER] ?? '',
    groupId: h[DeadLetterHeaders.CONSUMER_GROUP] ?? '',
    eventName: h[DeadLetterHeaders.EVENT_NAME],
    error: { name: h[DeadLetterHeaders.ERROR_NAME] ?? '', message: h[DeadLetterHeaders.ERROR_MESSAGE] ?? '' },
    attempts: Number(h[DeadLetterHeaders.ATTEMPTS] ?? 0),
    ...(issues ? { issues } : {}),
    original: {
      topic: h[DeadLetterHeaders.ORIGINAL_TOPIC],
      partition: Number(h[DeadLetterHeaders.ORIGINAL_PARTITION]),
      offset: h[DeadLetterHeaders.ORIGINAL_OFFSET],
    },
    payload: parseValue(write.value),
    key: write.key,
    headers: h,
  };
}

function parseIssues(header: string | undefined): EventValidationIssue[] | undefined {
  if (header === undefined) return undefined;
  try {
    const parsed: unknown = JSON.parse(header);
    return Array.isArray(parsed) ? (parsed as EventValidationIssue[]) : undefined;
  } catch {
    return undefined;
  }
}
