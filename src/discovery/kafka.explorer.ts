import { Inject, Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { DiscoveryService, MetadataScanner } from '@nestjs/core';
import { InstanceWrapper } from '@nestjs/core/injector/instance-wrapper';
import type { ResolvedKafkaOptions } from '../config/kafka-module-options.interface';
import { TopicResolver } from '../config/topic.resolver';
import type { EventContext } from '../interfaces/event-context.interface';
import { KAFKA_OPTIONS } from '../kafka.constants';
import { defineEventHandler } from './event-handler.definitions';
import { EventHandlerRegistry } from './event-handler.registry';
import { KafkaMetadataAccessor } from './kafka-metadata.accessor';

/**
 * Finds every @EventHandler method on every provider and controller at module init, resolves its
 * topics and group once, and registers it. Fails startup for a handler that cannot be wired.
 */
@Injectable()
export class KafkaExplorer implements OnModuleInit {
  private readonly logger = new Logger('KafkaExplorer');

  constructor(
    private readonly discovery: DiscoveryService,
    private readonly scanner: MetadataScanner,
    private readonly accessor: KafkaMetadataAccessor,
    private readonly registry: EventHandlerRegistry,
    private readonly topics: TopicResolver,
    @Inject(KAFKA_OPTIONS) private readonly options: ResolvedKafkaOptions,
  ) {}

  onModuleInit(): void {
    const wrappers = [...this.discovery.getProviders(), ...this.discovery.getControllers()];
    for (const wrapper of wrappers) this.exploreWrapper(wrapper);
    // Group conflicts are definition errors too: surface them at startup, not when consumers start.
    const groups = this.registry.getGroups();
    this.logger.log(
      `Found ${this.registry.getHandlers().length} event handler(s) in ${groups.length} consumer group(s)`,
    );
  }

  private exploreWrapper(wrapper: InstanceWrapper): void {
    const { instance } = wrapper;
    if (!instance || typeof instance !== 'object') return;
    const prototype = Object.getPrototypeOf(instance) as object | null;
    if (!prototype) return;
    for (const methodName of this.scanner.getAllMethodNames(prototype)) {
      const method = (instance as Record<string, unknown>)[methodName];
      if (typeof method !== 'function') continue;
      const options = this.accessor.getEventHandlerOptions(method as (...args: never[]) => unknown);
      if (!options) continue;
      const id = `${instance.constructor.name}.${methodName}`;
      if (!wrapper.isDependencyTreeStatic()) {
        this.logger.warn(
          `Skipping @EventHandler ${id}: request-scoped providers cannot receive Kafka events`,
        );
        continue;
      }
      const invoke = method.bind(instance) as (event: unknown, context: EventContext) => unknown;
      this.registry.register(
        defineEventHandler(id, options, invoke, this.options, (handler, eventName) =>
          this.topics.topicsForHandler(handler, eventName),
        ),
      );
    }
  }
}
