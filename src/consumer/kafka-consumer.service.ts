import { Inject, Injectable } from '@nestjs/common';
import { KAFKA_METRICS } from '../kafka.constants';
import type { MetricsRecorder } from '../telemetry/metrics.recorder';
import { UnknownConsumerGroupError } from '../errors/unknown-consumer-group.error';
import { ConsumerGroupStatus } from '../interfaces/consumer-group-status.interface';
import { ConsumerGroupRunner } from './consumer-group.runner';

/**
 * The consumer groups of this app: one per groupId, started at application bootstrap by the module and
 * stopped at shutdown. Lets an app list them and start, stop, pause or resume one by group id.
 */
@Injectable()
export class KafkaConsumerService {
  private readonly runners = new Map<string, ConsumerGroupRunner>();

  /** @internal Made by Nest's injector. */
  constructor(@Inject(KAFKA_METRICS) metrics: MetricsRecorder | undefined) {
    metrics?.observeInFlight(() => this.all().map((r) => ({ groupId: r.groupId, inFlight: r.inFlight })));
  }

  /** @internal Called by the orchestrator once groups are built. */
  add(runner: ConsumerGroupRunner): void {
    this.runners.set(runner.groupId, runner);
  }

  /** @internal */
  all(): ConsumerGroupRunner[] {
    return [...this.runners.values()];
  }

  list(): ConsumerGroupStatus[] {
    return this.all().map((r) => r.status());
  }

  get(groupId: string): ConsumerGroupStatus | undefined {
    return this.runners.get(groupId)?.status();
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

  private runner(groupId: string): ConsumerGroupRunner {
    const runner = this.runners.get(groupId);
    if (!runner) throw new UnknownConsumerGroupError(groupId, [...this.runners.keys()]);
    return runner;
  }
}
