import { EventHandlerDefinitionError } from '../errors/event-handler-definition.error';

const WILDCARD = '*';

export interface CompiledEventPattern {
  readonly source: string;
  /** The name an exact pattern matches, lower-cased: the key an event name is looked up by (lower-cased too). */
  readonly key: string;
  readonly isExact: boolean;
  matches(eventName: string): boolean;
}

/**
 * Event names are matched ignoring case, as their domain is lower-cased to find its topic
 * (config/topic.resolver.ts): `Orders.Created` is sent to the topic of `orders`, so `orders.*` must match it.
 * One rule for both sides; an event name still travels (and reaches the handler) as it was written.
 *
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
  const key = pattern.toLowerCase();
  if (!segments.includes(WILDCARD)) {
    return {
      source: pattern,
      key,
      isExact: true,
      matches: (eventName) => eventName.length === key.length && eventName.toLowerCase() === key,
    };
  }
  const body = segments
    .map((s) => (s === WILDCARD ? '[^.]+(?:\\.[^.]+)*' : s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
    .join('\\.');
  const regex = new RegExp(`^${body}$`, 'i');
  return { source: pattern, key, isExact: false, matches: (eventName) => regex.test(eventName) };
}
