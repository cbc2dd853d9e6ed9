import { CompiledEventPattern } from './event-pattern';

export interface Routable {
  readonly pattern: CompiledEventPattern;
  readonly topics: ReadonlySet<string>;
}

const MAX_CACHED_NAMES = 10_000;

/**
 * Routing table of one consumer group, built once. Exact names are a map lookup; wildcard patterns
 * are tested once per distinct event name and topic, then remembered (event names are few, records many).
 */
export class EventRouter<T extends Routable> {
  private readonly exact = new Map<string, T[]>();
  private readonly patterns: T[] = [];
  // topic -> event name -> handlers: two lookups, and no key string to build per record.
  private readonly cache = new Map<string, Map<string, readonly T[]>>();
  private cachedNames = 0;
  private readonly order = new Map<T, number>();

  constructor(handlers: readonly T[]) {
    for (const handler of handlers) {
      this.order.set(handler, this.order.size);
      if (handler.pattern.isExact) {
        const list = this.exact.get(handler.pattern.key) ?? [];
        list.push(handler);
        this.exact.set(handler.pattern.key, list);
      } else {
        this.patterns.push(handler);
      }
    }
  }

  /** Handlers whose pattern matches `eventName` and which subscribe to `topic`, in declaration order. */
  route(eventName: string, topic: string): readonly T[] {
    let byName = this.cache.get(topic);
    const cached = byName?.get(eventName);
    if (cached) return cached;
    // Names match ignoring case (event-pattern.ts); the cache above is by the name as written.
    const exact = this.exact.get(eventName.toLowerCase()) ?? [];
    const wildcard = this.patterns.filter((h) => h.pattern.matches(eventName));
    const candidates = wildcard.length === 0 ? exact : [...exact, ...wildcard];
    const matched = candidates
      .filter((h) => h.topics.has(topic))
      .sort((a, b) => this.order.get(a)! - this.order.get(b)!);
    if (this.cachedNames >= MAX_CACHED_NAMES) {
      this.cache.clear();
      this.cachedNames = 0;
      byName = undefined;
    }
    if (!byName) this.cache.set(topic, (byName = new Map()));
    byName.set(eventName, matched);
    this.cachedNames++;
    return matched;
  }
}
