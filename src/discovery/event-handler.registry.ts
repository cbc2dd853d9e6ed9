import { Injectable } from '@nestjs/common';
import { EventHandlerDefinitionError } from '../errors/event-handler-definition.error';
import {
  ConsumerGroupDefinition,
  EventHandlerDefinition,
} from '../interfaces/event-handler-definition.interface';
import { conflictingGroupOption } from '../kafka.messages';

/**
 * Every event handler the explorer found, and the consumer groups they form. Lookup only: discovery is
 * the explorer's job, running consumers the orchestrator's.
 */
@Injectable()
export class EventHandlerRegistry {
  private readonly handlers = new Map<string, EventHandlerDefinition>();
  private groups?: ConsumerGroupDefinition[];

  register(definition: EventHandlerDefinition): void {
    if (this.handlers.has(definition.id)) return;
    this.handlers.set(definition.id, definition);
    this.groups = undefined;
  }

  getHandlers(): EventHandlerDefinition[] {
    return [...this.handlers.values()];
  }

  getHandler(id: string): EventHandlerDefinition | undefined {
    return this.handlers.get(id);
  }

  /** Handlers whose pattern matches an event name, whatever their topics. */
  findHandlers(eventName: string): EventHandlerDefinition[] {
    return this.getHandlers().filter((h) => h.pattern.matches(eventName));
  }

  /** Groups in first-registration order; throws if handlers of one group disagree on its options. */
  getGroups(): ConsumerGroupDefinition[] {
    if (this.groups) return this.groups;
    const byGroup = new Map<string, EventHandlerDefinition[]>();
    for (const handler of this.handlers.values()) {
      byGroup.set(handler.groupId, [...(byGroup.get(handler.groupId) ?? []), handler]);
    }
    this.groups = [...byGroup].map(([groupId, handlers]) => {
      for (const option of ['fromBeginning', 'autoCommit', 'keyConcurrency'] as const) {
        if (new Set(handlers.map((h) => h[option])).size > 1) {
          throw new EventHandlerDefinitionError(
            handlers[0].id,
            conflictingGroupOption(
              groupId,
              option,
              handlers.map((h) => `${h.id}: ${h[option]}`),
            ),
          );
        }
      }
      return {
        groupId,
        handlers,
        topics: [...new Set(handlers.flatMap((h) => [...h.topics]))].sort(),
        fromBeginning: handlers[0].fromBeginning,
        autoCommit: handlers[0].autoCommit,
        keyConcurrency: handlers[0].keyConcurrency,
      };
    });
    return this.groups;
  }
}
