import { Consumer, Producer } from 'kafkajs';

/**
 * Counts Kafka requests by API name (Produce, Fetch, OffsetCommit, Heartbeat, ...) through kafkajs'
 * instrumentation events: how many requests a system needs per event says more than a profile about
 * batching. Only requests made while counting is on are kept.
 */
export class RequestCounter {
  private counts: Record<string, number> = {};
  private counting = false;

  watchProducer(producer: Producer): Producer {
    producer.on(producer.events.REQUEST, ({ payload }) => this.count(payload.apiName));
    return producer;
  }

  watchConsumer(consumer: Consumer): Consumer {
    consumer.on(consumer.events.REQUEST, ({ payload }) => this.count(payload.apiName));
    return consumer;
  }

  start(): void {
    this.counts = {};
    this.counting = true;
  }

  stop(): Record<string, number> {
    this.counting = false;
    return { ...this.counts };
  }

  private count(apiName: string): void {
    if (this.counting) this.counts[apiName] = (this.counts[apiName] ?? 0) + 1;
  }
}
