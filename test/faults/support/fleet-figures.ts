/** One handling of an event by a replica, as its log says. */
export interface FleetHandling {
  id: string;
  replica: number;
  at: number;
  partition: number;
}

/** What a fleet scenario measures over its disturbance (a roll, a scale-out), besides lost and duplicated. */
export interface FleetFigures {
  /** Events sent during the disturbance. */
  sent: number;
  /** End-to-end (sent to first handled) p99 and max of the events sent during the disturbance, ms. */
  e2eP99Ms: number;
  e2eMaxMs: number;
  /**
   * The longest time a partition that stayed with its member received nothing: the largest gap between two
   * consecutive events of a partition (by send order) first handled by the same replica, the later one sent
   * during the disturbance. A partition that moved to another replica is not counted (its pause is the move).
   */
  longestPauseMs: number;
  /** KIP-848 groups: the broker's heartbeat interval the run had (`group.consumer.heartbeat.interval.ms`). */
  brokerHeartbeatMs?: number;
}

/** The value at `q` (0..1) of ascending `sorted`, nearest rank. */
export function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))];
}

/**
 * The fleet figures of the events sent in `[from, to]` (ms since the epoch). `sent` maps each id to when it
 * was sent, in send order; `handlings` are every replica's log lines.
 */
export function fleetFigures(
  sent: ReadonlyMap<string, number>,
  handlings: readonly FleetHandling[],
  window: { from: number; to: number },
): FleetFigures {
  const first = new Map<string, FleetHandling>();
  for (const h of handlings) {
    const seen = first.get(h.id);
    if (!seen || h.at < seen.at) first.set(h.id, h);
  }
  const inWindow = (id: string) => {
    const at = sent.get(id)!;
    return at >= window.from && at <= window.to;
  };
  const during = [...sent.keys()].filter(inWindow);
  const e2e = during
    .filter((id) => first.has(id))
    .map((id) => first.get(id)!.at - sent.get(id)!)
    .sort((a, b) => a - b);
  const previous = new Map<number, FleetHandling>();
  let longestPauseMs = 0;
  for (const id of sent.keys()) {
    const h = first.get(id);
    if (!h) continue;
    const before = previous.get(h.partition);
    if (before && before.replica === h.replica && inWindow(id)) {
      longestPauseMs = Math.max(longestPauseMs, h.at - before.at);
    }
    previous.set(h.partition, h);
  }
  return {
    sent: during.length,
    e2eP99Ms: quantile(e2e, 0.99),
    e2eMaxMs: e2e.length > 0 ? e2e[e2e.length - 1] : 0,
    longestPauseMs,
  };
}
