import {
  BeforeApplicationShutdown,
  Inject,
  Injectable,
  Logger,
  OnApplicationBootstrap,
} from '@nestjs/common';
import { KafkaClient } from './client/kafka-client.factory';
import { describeKafkaError } from './client/kafka-error.describer';
import { ConsumerGroupRunner } from './consumer/consumer-group.runner';
import { KafkaConsumerService } from './consumer/kafka-consumer.service';
import { DeadLetterPublisher } from './dead-letter/dead-letter.publisher';
import { EventHandlerRegistry } from './discovery/event-handler.registry';
import { ResolvedKafkaOptions } from './interfaces/kafka-module-options.interface';
import { KAFKA_CLIENT, KAFKA_OPTIONS } from './kafka.constants';
import { kafkaDisabled, missingTopics } from './kafka.messages';
import { KafkaProducerService } from './producer/kafka-producer.service';
import { KafkaAdminService } from './topics/kafka-admin.service';

const RETRY_MS = { first: 1000, max: 30_000 };

/**
 * Lifecycle: at application bootstrap, checks (or creates) the topics, connects the producer and starts one
 * consumer per group; a broker that is down, or topics that are missing, do not fail startup: it keeps
 * trying in the background and health reports why. At shutdown: consumers first (finishing in-flight
 * handlers and committing), then the producer (flushing), then the admin client; once.
 */
@Injectable()
export class KafkaOrchestrator implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('KafkaModule');
  private retryTimer?: NodeJS.Timeout;
  private retryDelay = RETRY_MS.first;
  private closed = false;
  private startingUp?: Promise<void>;
  private missing: string[] = [];

  constructor(
    @Inject(KAFKA_OPTIONS) private readonly options: ResolvedKafkaOptions,
    @Inject(KAFKA_CLIENT) private readonly client: KafkaClient,
    private readonly registry: EventHandlerRegistry,
    private readonly consumers: KafkaConsumerService,
    private readonly producer: KafkaProducerService,
    private readonly admin: KafkaAdminService,
    private readonly deadLetter: DeadLetterPublisher,
  ) {}

  /** Topics needed but missing at the last check (createTopics off). */
  get missingTopics(): string[] {
    return [...this.missing];
  }

  async onApplicationBootstrap(): Promise<void> {
    for (const group of this.registry.getGroups()) {
      this.consumers.add(new ConsumerGroupRunner(group, this.client, this.options, this.deadLetter));
    }
    if (!this.options.enabled) {
      this.logger.log(kafkaDisabled);
      return;
    }
    this.startingUp = this.startUp();
    await this.startingUp;
  }

  async beforeApplicationShutdown(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    // Shutdown can race a startup still in progress (Nest runs both hooks when closed during init).
    await this.startingUp?.catch(() => undefined);
    await Promise.all(this.consumers.all().map((runner) => runner.stop()));
    await this.producer
      .disconnect()
      .catch((e: Error) => this.logger.warn(`Producer disconnect: ${e.message}`));
    await this.admin.disconnect();
  }

  private async startUp(): Promise<void> {
    if (this.closed) return;
    let retry = false;
    try {
      const existing = await this.admin.listTopics(this.options.requestTimeout);
      this.missing = await this.ensureTopics(existing);
      if (!this.producer.isConnected) await this.producer.connect();
      for (const runner of this.consumers.all()) {
        if (this.closed) return;
        const absent = runner.definition.topics.filter((t) => this.missing.includes(t));
        const status = runner.status().state;
        if (absent.length > 0) {
          runner.waitForTopics(absent);
          retry = true;
        } else if (status === 'idle' || status === 'waiting-for-topics') {
          await runner.start();
        }
      }
      if (this.missing.length > 0) {
        this.logger.error(missingTopics(this.missing));
        retry = true;
      }
    } catch (error) {
      const reason = describeKafkaError(error);
      this.logger.warn(
        `Kafka at ${this.options.brokers.join(',')} is not reachable (${reason}); retrying in ${this.retryDelay} ms`,
      );
      retry = true;
    }
    if (retry) this.scheduleRetry();
    else this.retryDelay = RETRY_MS.first;
  }

  private async ensureTopics(existing: Set<string>): Promise<string[]> {
    const needed = new Set([this.options.dlqTopic, ...this.registry.getGroups().flatMap((g) => g.topics)]);
    const missing = [...needed].filter((t) => !existing.has(t)).sort();
    if (missing.length === 0 || !this.options.createTopics) return missing;
    const { numPartitions, replicationFactor } = this.options.createTopics;
    await this.admin.createTopics(missing, numPartitions, replicationFactor);
    return [];
  }

  private scheduleRetry(): void {
    if (this.closed) return;
    const wait = this.retryDelay;
    this.retryDelay = Math.min(this.retryDelay * 2, RETRY_MS.max);
    this.retryTimer = setTimeout(() => {
      this.startingUp = this.startUp();
    }, wait);
    this.retryTimer.unref();
  }
}
