import { Injectable } from '@nestjs/common';
import type { ConsumerGroupInfo, EventHandlerInfo } from '../interfaces/event-handler-info.interface';
import type { ConsumerGroupDefinition, EventHandlerDefinition } from '../routing/event-handler.definition';
import { buildConsumerGroups } from './event-handler.definitions';

/**
 * Every event handler the explorer found, and the consumer groups they form. Lookup only: discovery is
 * the explorer's job, running consumers the orchestrator's. What it returns is a read-only description.
 */
@Injectable()
export class EventHandlerRegistry {
  private readonly handlers = new Map<
    string,
    { definition: EventHandlerDefinition; info: EventHandlerInfo }
  >();
  private groups?: { definitions: ConsumerGroupDefinition[]; infos: ConsumerGroupInfo[] };

  /** @internal The explorer's: a handler registered twice (one provider in two modules) counts once. */
  register(definition: EventHandlerDefinition): void {
    if (this.handlers.has(definition.id)) return;
    this.handlers.set(definition.id, { definition, info: describe(definition) });
    this.groups = undefined;
  }

  getHandlers(): EventHandlerInfo[] {
    return [...this.handlers.values()].map((h) => h.info);
  }

  getHandler(id: string): EventHandlerInfo | undefined {
    return this.handlers.get(id)?.info;
  }

  /** Groups in first-registration order; throws if handlers of one group disagree on its options. */
  getGroups(): ConsumerGroupInfo[] {
    return [...this.build().infos];
  }

  /** @internal The groups with their handlers' callable definitions, for the consumers. */
  groupDefinitions(): readonly ConsumerGroupDefinition[] {
    return this.build().definitions;
  }

  private build(): { definitions: ConsumerGroupDefinition[]; infos: ConsumerGroupInfo[] } {
    if (this.groups) return this.groups;
    const definitions = buildConsumerGroups([...this.handlers.values()].map((h) => h.definition));
    const infos = definitions.map((group) =>
      Object.freeze({
        groupId: group.groupId,
        topics: group.topics,
        fromBeginning: group.fromBeginning,
        autoCommit: group.autoCommit,
        keyConcurrency: group.keyConcurrency,
        handlers: Object.freeze(group.handlers.map((h) => this.handlers.get(h.id)!.info)),
      }),
    );
    this.groups = { definitions, infos };
    return this.groups;
  }
}

function describe(definition: EventHandlerDefinition): EventHandlerInfo {
  return Object.freeze({
    id: definition.id,
    eventName: definition.eventName,
    topics: Object.freeze([...definition.topics].sort()),
    groupId: definition.groupId,
    fromBeginning: definition.fromBeginning,
    autoCommit: definition.autoCommit,
    keyConcurrency: definition.keyConcurrency,
    retry: Object.freeze({ ...definition.retry }),
    timeoutMs: definition.timeoutMs,
  });
}
