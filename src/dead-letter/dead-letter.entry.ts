import { createHash } from 'node:crypto';
import type { TopicRecord } from '../client/record-writer.port';
import { DeadLetterFilterError } from '../errors/dead-letter-replay.error';
import { EventHandlerDefinitionError } from '../errors/event-handler-definition.error';
import type {
  DeadLetterEntry,
  DeadLetterFilter,
  DeadLetterSkipReason,
} from '../interfaces/dead-letter-replay.interface';
import type { ConsumedRecord, RecordHeaders } from '../interfaces/kafka-record.interface';
import {
  DEAD_LETTER_HEADER_PREFIX,
  DeadLetterHeaders,
  DeadLetterReplayHeaders,
  EventHeaders,
} from '../kafka.constants';
import { compileEventPattern } from '../routing/event-pattern';
import { decodeHeaders } from '../routing/event-record.parser';

const H = DeadLetterHeaders;
const R = DeadLetterReplayHeaders;

/** A DLQ record as an entry: its dlq-* headers decoded, the original key and value as text. */
export function decodeDeadLetter(partition: number, record: ConsumedRecord): DeadLetterEntry {
  const headers = decodeHeaders(record.headers);
  const failedAt = headers[H.FAILED_AT] ? new Date(headers[H.FAILED_AT]) : undefined;
  return {
    partition,
    offset: record.offset,
    group: headers[H.CONSUMER_GROUP] ?? '',
    handler: headers[H.HANDLER] ?? '',
    eventName: headers[H.EVENT_NAME] || headers[EventHeaders.EVENT_NAME] || undefined,
    eventId: headers[EventHeaders.EVENT_ID] || undefined,
    correlationId: headers[H.CORRELATION_ID] || undefined,
    reason: headers[H.REASON] ?? '',
    errorName: headers[H.ERROR_NAME] ?? '',
    errorMessage: headers[H.ERROR_MESSAGE] ?? '',
    failedAt: failedAt && !Number.isNaN(failedAt.getTime()) ? failedAt : undefined,
    originalTopic: headers[H.ORIGINAL_TOPIC] ?? '',
    originalPartition: Number(headers[H.ORIGINAL_PARTITION] ?? -1),
    originalOffset: headers[H.ORIGINAL_OFFSET] ?? '',
    replayCount: wholeNumber(headers[R.COUNT]),
    replays: 0,
    attempts: wholeNumber(headers[H.ATTEMPTS]),
    key: record.key === null ? null : record.key.toString('utf8'),
    value: record.value === null ? null : record.value.toString('utf8'),
    headers,
  };
}

/** The filter as a test on entries, its event pattern compiled once; a bad filter is a DeadLetterFilterError. */
export function compileDeadLetterFilter(filter: DeadLetterFilter): (entry: DeadLetterEntry) => boolean {
  const { group, handler, event, error, topic, since, until } = filter;
  for (const [field, date] of [
    ['since', since],
    ['until', until],
  ] as const) {
    if (date !== undefined && Number.isNaN(date.getTime())) {
      throw new DeadLetterFilterError(
        field,
        `--${field} is not a date: use ISO 8601, e.g. 2026-11-27T02:00:00Z`,
      );
    }
  }
  if (since && until && since >= until) {
    throw new DeadLetterFilterError('until', `--until (${until.toISOString()}) must be after --since`);
  }
  let pattern: ((name: string) => boolean) | undefined;
  if (event !== undefined) {
    try {
      pattern = compileEventPattern(event).matches;
    } catch (e) {
      if (!(e instanceof EventHandlerDefinitionError)) throw e;
      throw new DeadLetterFilterError(
        'event',
        `--event "${event}" is not an event name or pattern: dot-separated segments, "*" a whole segment (order.*)`,
      );
    }
  }
  return (entry) =>
    (group === undefined || entry.group === group) &&
    (handler === undefined || entry.handler === handler) &&
    (pattern === undefined || (entry.eventName !== undefined && pattern(entry.eventName))) &&
    (error === undefined || entry.errorName === error || entry.reason === error) &&
    (topic === undefined || entry.originalTopic === topic) &&
    (since === undefined || (entry.failedAt !== undefined && entry.failedAt >= since)) &&
    (until === undefined || (entry.failedAt !== undefined && entry.failedAt < until));
}

/**
 * The consumer group whose committed offsets on the DLQ are a replay's progress for one filter: the same
 * filter resumes where the last run ended; another filter has its own progress.
 */
export function replayProgressGroup(filter: DeadLetterFilter): string {
  const canonical = JSON.stringify([
    filter.group ?? null,
    filter.handler ?? null,
    filter.event ?? null,
    filter.error ?? null,
    filter.topic ?? null,
    filter.since?.toISOString() ?? null,
    filter.until?.toISOString() ?? null,
  ]);
  return `kafka-events.dlq-replay.${createHash('sha256').update(canonical).digest('hex').slice(0, 16)}`;
}

/**
 * Reasons a replay can cure: the handler threw (fixed since), its schema or a pipe refused the payload (relaxed
 * since; the redelivered record is validated again and parked again if it still fails), or a guard refused it (a
 * permission granted since). The other reasons say the bytes are not an event at all, which no deploy changes.
 */
const REPLAYABLE_REASONS: ReadonlySet<string> = new Set(['handler-error', 'validation', 'forbidden']);

/** Why a matching entry is not replayed, or undefined when it is. */
export function skipReason(entry: DeadLetterEntry, maxReplays: number): DeadLetterSkipReason | undefined {
  if (!REPLAYABLE_REASONS.has(entry.reason)) return 'not-replayable';
  if (!entry.group || !entry.handler) return 'no-handler';
  if (entry.replayCount >= maxReplays) return 'replay-limit';
  return undefined;
}

/**
 * The record a replay writes to the group's redelivery topic: the original key, value and headers (so its
 * `event-id` too) without the previous dlq-* headers, plus the replay count, the DLQ record it comes from,
 * the handler it goes to and where the original was read (which the handler sees as its topic and offset).
 */
export function redeliveryRecord(
  route: string,
  dlqTopic: string,
  entry: DeadLetterEntry,
  record: ConsumedRecord,
): TopicRecord {
  const headers: RecordHeaders = {};
  for (const name in record.headers) {
    if (!name.startsWith(DEAD_LETTER_HEADER_PREFIX)) headers[name] = record.headers[name];
  }
  Object.assign(headers, {
    [R.COUNT]: String(entry.replayCount + 1),
    [R.HANDLER]: entry.handler,
    [R.FROM_TOPIC]: dlqTopic,
    [R.FROM_PARTITION]: String(entry.partition),
    [R.FROM_OFFSET]: entry.offset,
    [H.ORIGINAL_TOPIC]: entry.originalTopic,
    [H.ORIGINAL_PARTITION]: String(entry.originalPartition),
    [H.ORIGINAL_OFFSET]: entry.originalOffset,
    [H.ORIGINAL_TIMESTAMP]: entry.headers[H.ORIGINAL_TIMESTAMP] ?? record.timestamp,
  });
  return { topic: route, key: record.key, value: record.value, headers };
}

function wholeNumber(text: string | undefined): number {
  const n = Number(text);
  return Number.isInteger(n) && n >= 0 ? n : 0;
}
