/** How often librdkafka reports its broker connections (`statistics.interval.ms`) to a BrokerLink. */
const BROKER_STATS_INTERVAL_MS = 1000;

type BrokerStats = { brokers?: Record<string, { state?: string; source?: string } | undefined> };

/**
 * Whether one of the client's broker connections is up, from a librdkafka statistics report (JSON): a
 * broker it was given or learned of in state UP. Its internal broker (source "internal", always UP) and
 * the logical coordinator entries (source "logical") are not connections. undefined: not a report.
 */
export function anyBrokerUp(report: string): boolean | undefined {
  let stats: BrokerStats;
  try {
    stats = JSON.parse(report) as BrokerStats;
  } catch {
    return undefined;
  }
  if (typeof stats?.brokers !== 'object' || stats.brokers === null) return undefined;
  return Object.values(stats.brokers).some(
    (broker) => broker?.state === 'UP' && (broker.source === 'configured' || broker.source === 'learned'),
  );
}

/**
 * One librdkafka client's link to the cluster, as its statistics report it (`stats_cb`): librdkafka retries
 * a broker that went away by itself and tells its caller nothing, so the adapters read here whether the
 * client is cut off. Up until a report says otherwise; `changed` hears each turn.
 */
export class BrokerLink {
  private reachable = true;

  constructor(private readonly changed: (up: boolean) => void = () => undefined) {}

  get up(): boolean {
    return this.reachable;
  }

  /** The librdkafka settings that make the client report to this link. */
  settings(): { 'statistics.interval.ms': number; stats_cb: (event: unknown) => void } {
    return { 'statistics.interval.ms': BROKER_STATS_INTERVAL_MS, stats_cb: (event) => this.note(event) };
  }

  /** A statistics event: `{ message: json }` from its event callback, or the JSON itself. */
  note(event: unknown): void {
    const report = typeof event === 'string' ? event : (event as { message?: unknown } | undefined)?.message;
    if (typeof report !== 'string') return;
    const up = anyBrokerUp(report);
    if (up === undefined || up === this.reachable) return;
    this.reachable = up;
    this.changed(up);
  }
}
