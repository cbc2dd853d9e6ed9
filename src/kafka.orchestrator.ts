import {
  BeforeApplicationShutdown,
  Inject,
  Injectable,
  Logger,
  OnApplicationBootstrap,
} from '@nestjs/common';
import { ConsumerLagService } from './admin/consumer-lag.service';
import { KafkaAdminService } from './admin/kafka-admin.service';
import { Backoff } from './common/backoff';
import { describeKafkaError } from './client/kafka-client.error';
import type { KafkaClient } from './client/kafka-client.port';
import type { RecordWriter } from './client/record-writer.port';
import { ThrottledLogger } from './common/throttled-logger';
import type { ResolvedKafkaOptions } from './config/kafka-module-options.interface';
import { ConsumerGroupSupervisor } from './consumer/consumer-group.supervisor';
import { KafkaConsumerService } from './consumer/kafka-consumer.service';
import { DeadLetterPublisher } from './dead-letter/dead-letter.publisher';
import { EventHandlerRegistry } from './discovery/event-handler.registry';
import {
  KAFKA_CLIENT,
  KAFKA_METRICS,
  KAFKA_OPTIONS,
  KAFKA_RECORD_WRITER,
  KAFKA_TRACING,
} from './kafka.constants';
import { kafkaDisabled, missingTopics } from './kafka.messages';
import { KafkaProducerService } from './producer/kafka-producer.service';
import type { MetricsRecorder } from './telemetry/metrics.recorder';
import type { KafkaTracing } from './telemetry/tracing';

/** @internal The waits between startup attempts while Kafka is not reachable: 1 s doubling to 30 s (README). */
export const STARTUP_RETRY = { initialMs: 1000, maxMs: 30_000, multiplier: 2, jitter: false };

/**
 * Lifecycle: at application bootstrap, starts checking (or creating) the topics, connecting the producer and
 * starting one consumer per group in the background: startup (and `app.listen()`) does not wait on the broker,
 * unless `waitForConsumers` asks it to wait (bounded) until every group runs.
 * A broker that is down, or topics that are missing, are retried with backoff; readiness reports progress. At shutdown: consumers first (finishing in-flight
 * handlers and committing), then the producer (flushing), then the admin client; once.
 */
@Injectable()
export class KafkaOrchestrator implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new ThrottledLogger(new Logger('KafkaModule'));
  private retryTimer?: NodeJS.Timeout;
  private readonly retryBackoff = new Backoff(STARTUP_RETRY);
  private closed = false;
  private startingUp?: Promise<void>;
  private firstAttempt: Promise<void> = Promise.resolve();

  constructor(
    @Inject(KAFKA_OPTIONS) private readonly options: ResolvedKafkaOptions,
    @Inject(KAFKA_CLIENT) private readonly client: KafkaClient,
    private readonly registry: EventHandlerRegistry,
    private readonly consumers: KafkaConsumerService,
    private readonly producer: KafkaProducerService,
    private readonly admin: KafkaAdminService,
    private readonly deadLetter: DeadLetterPublisher,
    @Inject(KAFKA_RECORD_WRITER) private readonly writer: RecordWriter,
    private readonly lag: ConsumerLagService,
    @Inject(KAFKA_METRICS) private readonly metrics: MetricsRecorder | undefined,
    @Inject(KAFKA_TRACING) private readonly tracing: KafkaTracing | undefined,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const groups = this.registry.groupDefinitions();
    const telemetry = { metrics: this.metrics, tracing: this.tracing };
    for (const group of groups) {
      this.consumers.add(
        new ConsumerGroupSupervisor(group, this.client, this.options, this.deadLetter, telemetry),
      );
    }
    this.lag.watch(groups);
    if (!this.options.enabled) {
      this.logger.log(kafkaDisabled);
      return;
    }
    this.startingUp = this.startUp();
    this.firstAttempt = this.startingUp;
    const wait = this.options.waitForConsumers;
    if (wait) await this.waitForConsumers(wait.timeoutMs);
  }

  /**
   * With `waitForConsumers`: bootstrap returns once every group runs. Past the timeout the app must not report
   * started with consumers that are not there, nor keep retrying behind a failed bootstrap: what was opened is
   * closed, and bootstrap fails with ConsumersNotRunningError.
   */
  private async waitForConsumers(timeoutMs: number): Promise<void> {
    try {
      await this.consumers.whenRunning({ timeoutMs });
    } catch (error) {
      this.logger.error(`Startup stopped: ${(error as Error).message}`);
      await this.beforeApplicationShutdown();
      throw error;
    }
  }

  /**
   * @internal The first attempt to connect everything, done (connected, or failed and retrying): what
   * bootstrap waited for before startup stopped blocking. Never rejects.
   */
  whenFirstAttemptDone(): Promise<void> {
    return this.firstAttempt;
  }

  async beforeApplicationShutdown(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    // Shutdown can race a startup still in progress (Nest runs both hooks when closed during init).
    await this.startingUp?.catch(() => undefined);
    await Promise.all(this.consumers.all().map((runner) => runner.stop()));
    // Events gathered for the linger window are written before the producer goes.
    await this.producer.flush();
    await this.writer.disconnect().catch((e: Error) => this.logger.warn(`Producer disconnect: ${e.message}`));
    await this.admin.disconnect();
  }

  private async startUp(): Promise<void> {
    if (this.closed) return;
    let retry = false;
    let wait: number | undefined;
    try {
      const missing = await this.admin.ensureTopics([
        this.options.dlqTopic,
        ...this.registry.groupDefinitions().flatMap((g) => g.topics),
      ]);
      await this.writer.connect();
      this.producer.connectionFailed(undefined);
      this.consumers.startupFailed(undefined);
      const routes = this.consumers.all().flatMap((r) => r.redeliveryTopic ?? []);
      const noRoute = await this.admin.ensureOptionalTopics(routes);
      for (const runner of this.consumers.all()) {
        if (this.closed) return;
        const absent = runner.definition.topics.filter((t) => missing.includes(t));
        const status = runner.status().state;
        if (absent.length > 0) {
          runner.waitForTopics(absent);
          retry = true;
        } else if (status === 'idle' || status === 'waiting-for-topics') {
          if (runner.redeliveryTopic) runner.routeRedelivery(!noRoute.includes(runner.redeliveryTopic));
          await runner.start();
        }
      }
      if (missing.length > 0) {
        this.logger.error(missingTopics(missing));
        retry = true;
      }
    } catch (error) {
      this.producer.connectionFailed(error);
      const reason = describeKafkaError(error);
      this.consumers.startupFailed(reason);
      wait = this.retryBackoff.next();
      this.logger.warn(
        `Kafka at ${this.options.brokers.join(',')} is not reachable (${reason}); retrying in ${wait} ms`,
      );
      retry = true;
    }
    if (retry) this.scheduleRetry(wait ?? this.retryBackoff.next());
    else this.retryBackoff.reset();
  }

  private scheduleRetry(wait: number): void {
    if (this.closed) return;
    this.retryTimer = setTimeout(() => {
      this.startingUp = this.startUp();
    }, wait);
    this.retryTimer.unref();
  }
}
