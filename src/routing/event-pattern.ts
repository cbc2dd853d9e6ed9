import { EventHandlerDefinitionError } from '../errors/event-handler-definition.error';

const WILDCARD = '*';

export interface CompiledEventPattern {
  readonly source: string;
  readonly isExact: boolean;
  matches(eventName: string): boolean;
}

/**
 * Compiles an @EventHandler eventName once, at bootstrap. `*` stands for one or more whole
 * dot-separated segments: `order.*` matches `order.created` and `order.item.added` (not `order`),
 * `*.status_changed` matches `projects.service_order.status_changed`, and `*` matches every event.
 * A `*` inside a segment (`order.creat*`) is rejected, naming the handler.
 */
export function compileEventPattern(pattern: string, handler = 'handler'): CompiledEventPattern {
  const segments = pattern.split('.');
  if (pattern.trim() === '' || segments.some((s) => s === '')) {
    throw new EventHandlerDefinitionError(
      handler,
      `@EventHandler ${handler}: eventName "${pattern}" must be dot-separated, non-empty segments`,
    );
  }
  if (segments.some((s) => s !== WILDCARD && s.includes(WILDCARD))) {
    throw new EventHandlerDefinitionError(
      handler,
      `@EventHandler ${handler}: in eventName "${pattern}", "*" must be a whole segment (e.g. "order.*")`,
    );
  }
  if (!segments.includes(WILDCARD)) {
    return { source: pattern, isExact: true, matches: (eventName) => eventName === pattern };
  }
  const body = segments
    .map((s) => (s === WILDCARD ? '[^.]+(?:\\.[^.]+)*' : s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
    .join('\\.');
  const regex = new RegExp(`^${body}$`);
  return { source: pattern, isExact: false, matches: (eventName) => regex.test(eventName) };
}
