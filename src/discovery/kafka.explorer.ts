import { Inject, Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { DiscoveryService, MetadataScanner } from '@nestjs/core';
import { InstanceWrapper } from '@nestjs/core/injector/instance-wrapper';
import type { ResolvedKafkaOptions } from '../config/kafka-module-options.interface';
import { TopicResolver } from '../config/topic.resolver';
import { RequestScopedEventHandlerError } from '../errors/request-scoped-event-handler.error';
import type { EventHandlerOptions } from '../interfaces/event-handler-options.interface';
import type { EventHandlerDefinition } from '../routing/event-handler.definition';
import { KAFKA_OPTIONS } from '../kafka.constants';
import { defineEventHandler } from './event-handler.definitions';
import { EventHandlerEnhancer, HandlerInvoke } from './event-handler.enhancer';
import { EventHandlerRegistry } from './event-handler.registry';
import { KafkaMetadataAccessor } from './kafka-metadata.accessor';

/**
 * Finds every @EventHandler method on every provider and controller at module init, resolves its
 * topics and group once, and registers it with the call Nest's enhancers on it need (EventHandlerEnhancer).
 * Fails startup for a handler that cannot be wired.
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
    private readonly enhancer: EventHandlerEnhancer,
    @Inject(KAFKA_OPTIONS) private readonly options: ResolvedKafkaOptions,
  ) {}

  onModuleInit(): void {
    const wrappers = [...this.discovery.getProviders(), ...this.discovery.getControllers()];
    const found = wrappers.flatMap((wrapper) => this.exploreWrapper(wrapper));
    // A pattern that starts with `*` listens to every topic the app knows of, the ones derived for its other
    // handlers included: those are defined first. Registration keeps the order handlers were found in.
    const definitions = new Map<DiscoveredHandler, EventHandlerDefinition>();
    for (const handler of [...found].sort((a, b) => leadingWildcard(a) - leadingWildcard(b))) {
      definitions.set(
        handler,
        defineEventHandler(handler.id, handler.options, handler.invoke, this.options, (id, eventName) =>
          this.topics.topicsForHandler(id, eventName),
        ),
      );
    }
    for (const handler of found) this.registry.register(definitions.get(handler)!);
    // Group conflicts are definition errors too: surface them at startup, not when consumers start.
    const groups = this.registry.getGroups();
    this.logger.log(
      `Found ${this.registry.getHandlers().length} event handler(s) in ${groups.length} consumer group(s)`,
    );
  }

  private exploreWrapper(wrapper: InstanceWrapper): DiscoveredHandler[] {
    const { instance } = wrapper;
    if (!instance || typeof instance !== 'object') return [];
    const prototype = Object.getPrototypeOf(instance) as object | null;
    if (!prototype) return [];
    const found: DiscoveredHandler[] = [];
    for (const methodName of this.scanner.getAllMethodNames(prototype)) {
      const method = (instance as Record<string, unknown>)[methodName];
      if (typeof method !== 'function') continue;
      const options = this.accessor.getEventHandlerOptions(method as (...args: never[]) => unknown);
      if (!options) continue;
      const id = `${instance.constructor.name}.${methodName}`;
      // A request-scoped or durable provider has no instance to call outside a request: refused, never skipped.
      if (!wrapper.isDependencyTreeStatic()) throw new RequestScopedEventHandlerError(id);
      found.push({ id, options, invoke: this.enhancer.invokeFor(id, instance, methodName) });
    }
    return found;
  }
}

interface DiscoveredHandler {
  id: string;
  options: EventHandlerOptions;
  invoke: HandlerInvoke;
}

/** 1 for a handler whose pattern starts with a wildcard and has no topics of its own, else 0. */
function leadingWildcard({ options }: DiscoveredHandler): number {
  return !options.topics?.length && typeof options.eventName === 'string' && options.eventName.startsWith('*')
    ? 1
    : 0;
}
