import { Kafka, Producer } from 'kafkajs';
import { faultEvent } from './fault-harness';

/**
 * Sends `rate` fault events a second to `topic`, keyed, each to a partition fixed by its key, until stopped;
 * remembers when each was sent. A send that falls behind (a slow broker) is caught up by the next, larger one,
 * so the rate holds on average and every id is sent once.
 */
export class SteadyProducer {
  /** Each id and when it was sent (ms since the epoch), in send order. */
  readonly sentAt = new Map<string, number>();
  private producer?: Producer;
  private running?: Promise<void>;
  private stopping = false;

  constructor(
    private readonly kafka: Kafka,
    private readonly topic: string,
    private readonly options: { scenario: string; rate: number; partitions: number; keys: number },
  ) {}

  async start(): Promise<void> {
    this.producer = this.kafka.producer({ idempotent: true, retry: { retries: 30, maxRetryTime: 5000 } });
    await this.producer.connect();
    this.running = this.loop(this.producer);
  }

  /** Stops sending and returns every id sent, in order. */
  async stop(): Promise<string[]> {
    this.stopping = true;
    await this.running;
    await this.producer?.disconnect();
    return [...this.sentAt.keys()];
  }

  private async loop(producer: Producer): Promise<void> {
    const { scenario, rate, partitions, keys } = this.options;
    const startedAt = Date.now();
    let seq = 0;
    while (!this.stopping) {
      const due = Math.floor(((Date.now() - startedAt) * rate) / 1000) - seq;
      if (due > 0) {
        const now = Date.now();
        const messages = Array.from({ length: due }, () => {
          const n = seq++;
          const id = `${scenario}-${n}`;
          this.sentAt.set(id, now);
          // Key k always goes to partition k % partitions: a key's events keep their order.
          const key = n % keys;
          return { ...faultEvent(id, 'fault.event', `key-${key}`), partition: key % partitions };
        });
        await producer.send({ topic: this.topic, acks: -1, messages });
      }
      await new Promise((tick) => setTimeout(tick, 10));
    }
  }
}
