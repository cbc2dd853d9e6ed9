import { Inject, Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { DiscoveryService, MetadataScanner } from '@nestjs/core';
import { InstanceWrapper } from '@nestjs/core/injector/instance-wrapper';
import { nonRetryablePredicate, resolveRetryPolicy } from '../config/retry-policy';
import { nonNegative, positive } from '../config/setting-validators';
import { TopicResolver } from '../config/topic.resolver';
import { EventHandlerDefinitionError } from '../errors/event-handler-definition.error';
import { EventContext } from '../interfaces/event-context.interface';
import { EventHandlerDefinition } from '../routing/event-handler.definition';
import { EventHandlerOptions } from '../interfaces/event-handler-options.interface';
import { ResolvedKafkaOptions } from '../config/kafka-module-options.interface';
import { KAFKA_OPTIONS } from '../kafka.constants';
import { compileEventPattern } from '../routing/event-pattern';
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
      this.registry.register(
        this.define(id, options, method.bind(instance) as (e: unknown, c: EventContext) => unknown),
      );
    }
  }

  private define(
    id: string,
    options: EventHandlerOptions,
    invoke: (event: unknown, context: EventContext) => unknown,
  ): EventHandlerDefinition {
    if (!options || typeof options.eventName !== 'string') {
      throw new EventHandlerDefinitionError(id, `@EventHandler ${id} needs an eventName`);
    }
    const [className, methodName] = id.split('.');
    return {
      id,
      eventName: options.eventName,
      pattern: compileEventPattern(options.eventName, id),
      topics: new Set(
        options.topics && options.topics.length > 0
          ? options.topics
          : this.topics.topicsForHandler(id, options.eventName),
      ),
      groupId: options.groupId ?? `${this.options.clientId}.${className}.${methodName}`,
      fromBeginning: options.fromBeginning ?? false,
      autoCommit: options.autoCommit ?? true,
      keyConcurrency: positive(
        options.keyConcurrency ?? this.options.consumer.keyConcurrency,
        `@EventHandler ${id} keyConcurrency`,
      ),
      retry: resolveRetryPolicy(options.retry, this.options.retry, `@EventHandler ${id} retry`),
      timeoutMs: nonNegative(
        options.timeoutMs ?? this.options.handlerTimeoutMs,
        `@EventHandler ${id} timeoutMs`,
      ),
      isNonRetryable: nonRetryablePredicate(this.options.nonRetryable, options.nonRetryable),
      invoke,
    };
  }
}
