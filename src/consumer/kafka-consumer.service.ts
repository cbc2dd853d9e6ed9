import { Inject, Injectable } from '@nestjs/common';
import { DEFAULT_CONSUMERS_WAIT_MS, KAFKA_METRICS, KAFKA_OPTIONS } from '../kafka.constants';
import type { MetricsRecorder } from '../telemetry/metrics.recorder';
import type { ResolvedKafkaOptions } from '../config/kafka-module-options.interface';
import { positive } from '../config/setting-validators';
import { ConsumersNotRunningError } from '../errors/consumers-not-running.error';
import { UnknownConsumerGroupError } from '../errors/unknown-consumer-group.error';
import { ConsumerGroupStatus, WhenRunningOptions } from '../interfaces/consumer-group-status.interface';
import { ConsumerGroupSupervisor } from './consumer-group.supervisor';
import { isRunning, whyNotRunning } from './group-readiness';

/**
 * The consumer groups of this app: one per groupId, started at application bootstrap by the module and
 * stopped at shutdown. Lets an app list them, wait until they run, and start, stop, pause or resume one by
 * group id.
 */
@Injectable()
export class KafkaConsumerService {
  private readonly runners = new Map<string, ConsumerGroupSupervisor>();
  /** Why the module's last attempt to reach the broker failed; undefined once it got through. */
  private startupError?: string;

  /** @internal Made by Nest's injector. */
  constructor(
    @Inject(KAFKA_OPTIONS) private readonly options: ResolvedKafkaOptions,
    @Inject(KAFKA_METRICS) metrics: MetricsRecorder | undefined,
  ) {
    metrics?.observeInFlight(() => this.all().map((r) => ({ groupId: r.groupId, inFlight: r.inFlight })));
  }

  /** @internal Called by the orchestrator once groups are built. */
  add(runner: ConsumerGroupSupervisor): void {
    this.runners.set(runner.groupId, runner);
  }

  /** @internal */
  all(): ConsumerGroupSupervisor[] {
    return [...this.runners.values()];
  }

  /** @internal The orchestrator's last attempt to reach the broker failed for this reason (undefined: it worked). */
  startupFailed(reason: string | undefined): void {
    this.startupError = reason;
  }

  list(): ConsumerGroupStatus[] {
    return this.all().map((r) => r.status());
  }

  get(groupId: string): ConsumerGroupStatus | undefined {
    return this.runners.get(groupId)?.status();
  }

  /**
   * Resolves once every consumer group of the app (or those named by `groupIds`) has joined and has its
   * partitions positioned, so an event sent from then on reaches its handlers, even in a new group that starts
   * at the end of its topics (`fromBeginning: false`). A group paused after joining counts. Call it after
   * `init()`: startup never waits for the broker unless `waitForConsumers` is set.
   *
   * Rejects with ConsumersNotRunningError after `timeoutMs` (default 30000), naming each group still waiting,
   * its state and why; with UnknownConsumerGroupError for a group id no handler declares. With Kafka disabled
   * (KAFKA_ENABLED=false) no group ever runs and there is nothing to wait for: it resolves at once.
   */
  async whenRunning(options: WhenRunningOptions = {}): Promise<void> {
    const timeoutMs = positive(options.timeoutMs ?? DEFAULT_CONSUMERS_WAIT_MS, 'whenRunning timeoutMs');
    const runners = options.groupIds ? options.groupIds.map((id) => this.runner(id)) : this.all();
    const waiting = () => runners.filter((r) => !isRunning(r.status().state));
    if (!this.options.enabled || waiting().length === 0) return;
    await new Promise<void>((resolve, reject) => {
      const done = () => {
        clearTimeout(timer);
        for (const unsubscribe of unsubscribes) unsubscribe();
      };
      const timer = setTimeout(() => {
        done();
        reject(
          new ConsumersNotRunningError(
            timeoutMs,
            waiting().map((r) => {
              const status = r.status();
              return {
                groupId: status.groupId,
                state: status.state,
                reason: whyNotRunning(status, { brokers: this.options.brokers, error: this.startupError }),
              };
            }),
          ),
        );
      }, timeoutMs);
      const unsubscribes = runners.map((r) =>
        r.onStateChange(() => {
          if (waiting().length > 0) return;
          done();
          resolve();
        }),
      );
    });
  }

  async start(groupId: string): Promise<void> {
    await this.runner(groupId).start();
  }

  async stop(groupId: string): Promise<void> {
    await this.runner(groupId).stop();
  }

  pause(groupId: string): void {
    this.runner(groupId).pause();
  }

  resume(groupId: string): void {
    this.runner(groupId).resume();
  }

  private runner(groupId: string): ConsumerGroupSupervisor {
    const runner = this.runners.get(groupId);
    if (!runner) throw new UnknownConsumerGroupError(groupId, [...this.runners.keys()]);
    return runner;
  }
}
