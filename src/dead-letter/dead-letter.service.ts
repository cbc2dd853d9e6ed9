import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { AdminClient } from '../client/admin-client.port';
import type { KafkaClient } from '../client/kafka-client.port';
import { describeKafkaError, KafkaClientError } from '../client/kafka-client.error';
import type { RecordWriter, TopicRecord } from '../client/record-writer.port';
import type { PartitionEnd, ReadBatch } from '../client/topic-reader.port';
import { withTimeout } from '../common/with-timeout';
import type { ResolvedKafkaOptions } from '../config/kafka-module-options.interface';
import { redeliveryTopic } from '../config/redelivery-topic';
import {
  DeadLetterFilterError,
  DeadLetterReplayError,
  RedeliveryTopicMissingError,
} from '../errors/dead-letter-replay.error';
import type {
  DeadLetterEntry,
  DeadLetterFilter,
  DeadLetterListOptions,
  DeadLetterReplayOptions,
  DeadLetterReplayResult,
} from '../interfaces/dead-letter-replay.interface';
import type { ConsumedRecord } from '../interfaces/kafka-record.interface';
import {
  DeadLetterReplayHeaders,
  KAFKA_CLIENT,
  KAFKA_OPTIONS,
  KAFKA_RECORD_WRITER,
} from '../kafka.constants';
import { decodeHeaders } from '../routing/event-record.parser';
import {
  compileDeadLetterFilter,
  decodeDeadLetter,
  redeliveryRecord,
  replayProgressGroup,
  skipReason,
} from './dead-letter.entry';

/** Records written (and progress committed) together: the most a killed run may replay twice. */
const REPLAY_CHUNK = 500;
const DEFAULT_MAX_REPLAYS = 3;

/** Where one partition's read starts and ends. */
interface Span {
  partition: number;
  start: bigint;
  end: bigint;
}

/**
 * The dead-letter topic as something to work with: list and inspect parked records, and replay them, each to
 * the one handler that failed it, through its group's redelivery topic (module option deadLetter.replay).
 * Every read stops at the end offsets taken when it starts, so records parked meanwhile (a replay that fails
 * again, too) wait for the next run. A replay's progress is the committed offset of a consumer group of its own
 * per filter, committed after each write: a second run with the same filter starts where the first ended.
 */
@Injectable()
export class DeadLetterService {
  /** @internal Made by Nest's injector (or by the kafka-events command). */
  constructor(
    @Inject(KAFKA_OPTIONS) private readonly options: ResolvedKafkaOptions,
    @Inject(KAFKA_CLIENT) private readonly client: KafkaClient,
    @Inject(KAFKA_RECORD_WRITER) private readonly writer: RecordWriter,
  ) {}

  /** The DLQ topic this service works on (module option dlqTopic, KAFKA_DLQ_TOPIC). */
  get topic(): string {
    return this.options.dlqTopic;
  }

  /** The redelivery topic of a consumer group. */
  redeliveryTopic(groupId: string): string {
    return redeliveryTopic(this.options.dlqTopic, groupId);
  }

  /** Parked records matching `filter`, oldest first per partition; reads, writes nothing. */
  async list(
    filter: DeadLetterFilter = {},
    { limit = 100 }: DeadLetterListOptions = {},
  ): Promise<DeadLetterEntry[]> {
    positiveWhole('limit', limit);
    const matches = compileDeadLetterFilter(filter);
    const spans = await this.admin((admin) => this.spans(admin, undefined));
    const found: DeadLetterEntry[] = [];
    await this.readOnce(this.options.dlqTopic, spans, async (batch, reader) => {
      for (const record of this.inSpan(spans, batch)) {
        const entry = decodeDeadLetter(batch.partition, record);
        if (matches(entry)) found.push(entry);
        if (found.length >= limit) return reader.stop();
      }
    });
    await this.countReplays(found);
    return found.sort((a, b) => a.partition - b.partition || Number(BigInt(a.offset) - BigInt(b.offset)));
  }

  /** The DLQ record at `partition`/`offset`, or undefined when there is none; writes nothing. */
  async inspect(partition: number, offset: string | number): Promise<DeadLetterEntry | undefined> {
    const at = BigInt(offset);
    const spans = await this.admin((admin) => this.spans(admin, undefined));
    const span = spans.find((s) => s.partition === partition);
    if (!span || at < span.start || at >= span.end) return undefined;
    let entry: DeadLetterEntry | undefined;
    const only: Span[] = [{ partition, start: at, end: at + 1n }];
    await this.readOnce(this.options.dlqTopic, only, async (batch) => {
      const record = batch.records.find((r) => BigInt(r.offset) === at);
      if (record) entry = decodeDeadLetter(partition, record);
    });
    if (entry) await this.countReplays([entry]);
    return entry;
  }

  /**
   * Writes the matching parked records to their groups' redelivery topics, up to the DLQ's end offsets at the
   * start and at most `limit` of them, and remembers how far it read for this filter. Records of one key go
   * in their DLQ order. A record a run wrote but had not yet recorded as progress when it was killed is
   * written again by the next run (at most one write of 500 records).
   */
  async replay(
    filter: DeadLetterFilter = {},
    options: DeadLetterReplayOptions = {},
  ): Promise<DeadLetterReplayResult> {
    const { dryRun = false, limit, rate, maxReplays = DEFAULT_MAX_REPLAYS, fromStart = false } = options;
    if (limit !== undefined) positiveWhole('limit', limit);
    if (rate !== undefined && !(rate > 0))
      throw new DeadLetterFilterError('rate', `--rate must be above 0, not ${rate}`);
    positiveWhole('maxReplays', maxReplays);
    const matches = compileDeadLetterFilter(filter);
    const group = replayProgressGroup(filter);
    const dlqTopic = this.options.dlqTopic;

    const { spans, routes } = await this.admin(async (admin) => {
      const spans = await this.spans(admin, fromStart ? undefined : group);
      // Start over: the progress group reads from the first record again (a dry run only reads from there).
      if (fromStart && !dryRun && spans.length > 0) {
        await admin.setCommittedOffsets(
          group,
          dlqTopic,
          spans.map((s) => ({ partition: s.partition, offset: s.start.toString() })),
        );
      }
      return { spans, routes: new Set(await admin.listTopics()) };
    });

    const result: DeadLetterReplayResult = {
      scanned: 0,
      matched: 0,
      replayed: 0,
      skipped: {},
      dryRun,
      stoppedAtLimit: false,
    };
    const missingRoutes = new Set<string>();
    const started = Date.now();
    const pace = async (batch: ReadBatch, count: number) => {
      if (!rate) return;
      // Sleeps until `count` more records keep the run at `rate`, heartbeating so the reader keeps its partitions.
      for (;;) {
        const due = started + ((result.replayed + count) / rate) * 1000 - Date.now();
        if (due <= 0) return;
        await new Promise((resolve) => setTimeout(resolve, Math.min(due, 1000)));
        await batch.heartbeat();
      }
    };
    const chunkSize = rate ? Math.max(1, Math.min(REPLAY_CHUNK, Math.floor(rate))) : REPLAY_CHUNK;

    const eachBatch = async (batch: ReadBatch, reader: { stop(): void }) => {
      let pending: TopicRecord[] = [];
      let considered: string | undefined;
      const flush = async () => {
        if (pending.length > 0) {
          await pace(batch, pending.length);
          if (!dryRun) await this.write(pending);
          result.replayed += pending.length;
          pending = [];
        }
        if (considered !== undefined && !dryRun) await batch.commit(considered);
        options.onProgress?.({ ...result, skipped: { ...result.skipped } });
      };
      for (const record of this.inSpan(spans, batch)) {
        result.scanned++;
        const entry = decodeDeadLetter(batch.partition, record);
        if (matches(entry)) {
          result.matched++;
          const skip = skipReason(entry, maxReplays);
          if (skip) {
            result.skipped[skip] = (result.skipped[skip] ?? 0) + 1;
          } else {
            const route = redeliveryTopic(dlqTopic, entry.group);
            if (!routes.has(route)) {
              // A dry run counts on, and names the routes a real run would stop at.
              if (dryRun) missingRoutes.add(route);
              else {
                await flush();
                throw new RedeliveryTopicMissingError(route, entry.group);
              }
            }
            pending.push(redeliveryRecord(route, dlqTopic, entry, record));
          }
        }
        considered = record.offset;
        const atLimit = limit !== undefined && result.replayed + pending.length >= limit;
        if (atLimit || pending.length >= chunkSize) await flush();
        if (atLimit) {
          result.stoppedAtLimit = true;
          return reader.stop();
        }
      }
      await flush();
    };

    if (dryRun) await this.readOnce(dlqTopic, spans, eachBatch);
    else await this.read(group, dlqTopic, spans, eachBatch);
    if (missingRoutes.size > 0) result.missingRoutes = [...missingRoutes].sort();
    return result;
  }

  /**
   * Sets each entry's `replays`: the records replays wrote from it, found on its group's redelivery topic (the
   * `dlq-replayed-from-*` headers of each redelivered record name the DLQ record it came from). Reads those
   * topics up to their end now, with a throwaway group; a group without one has no replays.
   */
  private async countReplays(entries: DeadLetterEntry[]): Promise<void> {
    const groups = [...new Set(entries.map((e) => e.group).filter((g) => g !== ''))];
    if (groups.length === 0) return;
    const routes = await this.admin(async (admin) => {
      const existing = new Set(await admin.listTopics());
      const found: { topic: string; spans: Span[] }[] = [];
      for (const topic of groups.map((g) => redeliveryTopic(this.options.dlqTopic, g))) {
        if (existing.has(topic)) found.push({ topic, spans: await this.topicSpans(admin, topic) });
      }
      return found;
    });
    const replays = new Map<string, number>();
    for (const { topic, spans } of routes) {
      await this.readOnce(topic, spans, async (batch) => {
        for (const record of this.inSpan(spans, batch)) {
          const headers = decodeHeaders(record.headers);
          if (headers[DeadLetterReplayHeaders.FROM_TOPIC] !== this.options.dlqTopic) continue;
          const from = `${headers[DeadLetterReplayHeaders.FROM_PARTITION]}:${headers[DeadLetterReplayHeaders.FROM_OFFSET]}`;
          replays.set(from, (replays.get(from) ?? 0) + 1);
        }
      });
    }
    for (const entry of entries) entry.replays = replays.get(`${entry.partition}:${entry.offset}`) ?? 0;
  }

  private async write(records: TopicRecord[]): Promise<void> {
    const outcomes = await this.writer.write(records);
    const failed = outcomes.find((o) => !o.ok);
    if (failed && !failed.ok) {
      throw new DeadLetterReplayError(
        `Could not write replayed records to ${records[0].topic}: ${describeKafkaError(failed.error)}; ` +
          `nothing after them was replayed, run the replay again`,
        { cause: failed.error },
      );
    }
  }

  /** Each partition's span of a topic: its first record kept to its end now. */
  private async topicSpans(admin: AdminClient, topic: string): Promise<Span[]> {
    return (await admin.topicOffsets(topic))
      .map(({ partition, low, high }) => ({ partition, start: BigInt(low), end: BigInt(high) }))
      .filter((s) => s.start < s.end);
  }

  /** Each partition's span: from the group's committed offset (or the first record kept) to the end now. */
  private async spans(admin: AdminClient, progressGroup: string | undefined): Promise<Span[]> {
    const offsets = await admin.topicOffsets(this.options.dlqTopic);
    const committed = new Map(
      progressGroup
        ? (await admin.committedOffsets(progressGroup, this.options.dlqTopic)).map((c) => [
            c.partition,
            BigInt(c.offset),
          ])
        : [],
    );
    return offsets
      .map(({ partition, low, high }) => {
        const from = committed.get(partition) ?? -1n;
        const start = from > BigInt(low) ? from : BigInt(low);
        return { partition, start, end: BigInt(high) };
      })
      .filter((s) => s.start < s.end);
  }

  private inSpan(spans: readonly Span[], batch: ReadBatch): ConsumedRecord[] {
    const span = spans.find((s) => s.partition === batch.partition);
    if (!span) return [];
    return batch.records.filter((r) => {
      const offset = BigInt(r.offset);
      return offset >= span.start && offset < span.end;
    });
  }

  /** Reads with a throwaway group that commits nothing: from each partition's first record, up to its end. */
  private readOnce(
    topic: string,
    spans: readonly Span[],
    eachBatch: (batch: ReadBatch, reader: { stop(): void }) => Promise<void>,
  ): Promise<void> {
    return this.read(`kafka-events.dlq-read.${randomUUID()}`, topic, spans, eachBatch);
  }

  private async read(
    groupId: string,
    topic: string,
    spans: readonly Span[],
    eachBatch: (batch: ReadBatch, reader: { stop(): void }) => Promise<void>,
  ): Promise<void> {
    if (spans.length === 0) return;
    const until: PartitionEnd[] = spans.map((s) => ({ partition: s.partition, offset: s.end.toString() }));
    const reader = this.client.topicReader({ groupId, topic, until });
    await reader.read((batch) => eachBatch(batch, reader));
  }

  private async admin<T>(call: (admin: AdminClient) => Promise<T>): Promise<T> {
    const admin = this.client.admin();
    const timeout = this.options.requestTimeout;
    try {
      const unreachable = `no answer from ${this.options.brokers.join(',')} within ${timeout} ms`;
      await withTimeout(admin.connect(), timeout, unreachable).catch((error: unknown) => {
        throw error instanceof KafkaClientError
          ? error
          : new KafkaClientError('unreachable', true, unreachable, { cause: error });
      });
      if (!(await admin.listTopics()).includes(this.options.dlqTopic)) {
        throw new DeadLetterFilterError(
          'dlqTopic',
          `Dead-letter topic ${this.options.dlqTopic} does not exist: check KAFKA_DLQ_TOPIC (--dlq-topic)`,
        );
      }
      return await withTimeout(
        call(admin),
        timeout,
        `no answer from ${this.options.brokers.join(',')} within ${timeout} ms`,
      );
    } finally {
      await admin.disconnect().catch(() => undefined);
    }
  }
}

function positiveWhole(field: string, value: number): void {
  if (!Number.isInteger(value) || value < 1) {
    throw new DeadLetterFilterError(
      field,
      `--${field === 'maxReplays' ? 'max-replays' : field} must be a whole number above 0, not ${value}`,
    );
  }
}
