import { Consumer, Kafka } from 'kafkajs';
import { EachBatchAdapter } from '../each-batch.adapter';
import type {
  ConsumedBatch,
  GroupConsumer,
  GroupConsumerEvents,
  GroupConsumerOptions,
} from '../group-consumer.port';
import { clientCall, toClientError } from './kafkajs-error.mapper';

/**
 * The consumer's retries: 300 ms doubling to at most 1 s (kafkajs' default cap is 30 s). Its waits decide how
 * soon it tries a broker that went away again, so with kafkajs' cap an app sat idle for up to 30 s after the
 * broker was back. An attempt costs one refused connection; the send budget has retry settings of its own.
 */
const CONSUMER_RETRY = { initialRetryTime: 300, maxRetryTime: 1000, retries: 5 };

/** A kafkajs consumer run on eachBatch, with offsets resolved by the library (never automatically). */
export class KafkajsGroupConsumer implements GroupConsumer {
  private readonly consumer: Consumer;
  private readonly topics: { topic: string }[];

  constructor(
    kafka: Kafka,
    private readonly options: GroupConsumerOptions,
    events: GroupConsumerEvents,
    instrument?: (consumer: Consumer) => void,
  ) {
    this.consumer = kafka.consumer({
      groupId: options.groupId,
      sessionTimeout: options.sessionTimeout,
      heartbeatInterval: options.heartbeatInterval,
      allowAutoTopicCreation: false,
      maxWaitTimeInMs: options.maxWaitTimeMs,
      retry: CONSUMER_RETRY,
    });
    this.topics = [...new Set([...options.topics, ...(options.fromBeginningTopics ?? [])])].map((topic) => ({
      topic,
    }));
    const { GROUP_JOIN, FETCH, CRASH, REBALANCING, STOP } = this.consumer.events;
    this.consumer.on(GROUP_JOIN, ({ payload }) =>
      events.joined(Object.values(payload.memberAssignment).reduce((n, p) => n + p.length, 0)),
    );
    this.consumer.on(FETCH, () => events.fetched());
    this.consumer.on(REBALANCING, () => events.rebalancing());
    this.consumer.on(CRASH, ({ payload }) => events.crashed(toClientError(payload.error), payload.restart));
    this.consumer.on(STOP, () => events.stopped());
    instrument?.(this.consumer);
  }

  async run(eachBatch: (batch: ConsumedBatch) => Promise<void>): Promise<void> {
    const { topics, fromBeginning, autoCommit, autoCommitIntervalMs, partitionsConsumedConcurrently } =
      this.options;
    await clientCall(async () => {
      await this.consumer.connect();
      const always = new Set(this.options.fromBeginningTopics ?? []);
      const rest = topics.filter((topic) => !always.has(topic));
      if (rest.length > 0) await this.consumer.subscribe({ topics: rest, fromBeginning });
      if (always.size > 0) await this.consumer.subscribe({ topics: [...always], fromBeginning: true });
      await this.consumer.run({
        autoCommit,
        autoCommitInterval: autoCommitIntervalMs,
        eachBatchAutoResolve: false,
        partitionsConsumedConcurrently,
        eachBatch: (payload) => eachBatch(new EachBatchAdapter(payload, this.consumer)),
      });
    });
  }

  pause(): void {
    this.consumer.pause(this.topics);
  }

  resume(): void {
    this.consumer.resume(this.topics);
  }

  async disconnect(): Promise<void> {
    await clientCall(() => this.consumer.disconnect());
  }
}
