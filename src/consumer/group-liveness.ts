import { backoffDelay } from '../common/backoff';
import type { EventHandlerDefinition } from '../routing/event-handler.definition';

/** Slack on top of the longest a record may take: the DLQ write, heartbeats, a slow commit. */
const SLACK_MS = 60_000;
/** Default TTL when a handler has no time limit, so a hung handler is still noticed. */
const NO_LIMIT_TTL_MS = 15 * 60_000;

/** What a group runner knows of its own progress, read by the liveness check without a broker call. */
export interface GroupProgress {
  /** A batch is being worked on. */
  holding: boolean;
  /** When the group last started a batch or finished a record (ms since the epoch). */
  lastProgressAt: number;
  /**
   * Since when its consumer has kept failing for a reason other than an unreachable broker (ms since the
   * epoch), with that reason; undefined while it runs, or fails only because the broker is away.
   */
  failingSince?: number;
  failure?: string;
}

export type Liveness = { alive: true } | { alive: false; reason: string };

const ALIVE: Liveness = Object.freeze({ alive: true });

/**
 * Whether a group still does its job, from its own state only. A broker outage is not a liveness failure
 * (restarting the process would not bring the broker back: readiness reports it); a group that holds
 * records and finishes none for `ttlMs`, or whose consumer keeps failing for another reason, is.
 */
export function groupLiveness(progress: GroupProgress, now: number, ttlMs: number): Liveness {
  if (progress.holding && now - progress.lastProgressAt > ttlMs) {
    return {
      alive: false,
      reason: `holds records and finished none for ${now - progress.lastProgressAt} ms (TTL ${ttlMs} ms)`,
    };
  }
  if (progress.failingSince !== undefined && now - progress.failingSince > ttlMs) {
    return {
      alive: false,
      reason: `its consumer has failed for ${now - progress.failingSince} ms (TTL ${ttlMs} ms): ${progress.failure}`,
    };
  }
  return ALIVE;
}

/**
 * The default TTL of a group: the longest one record may take through all its handlers (every attempt at
 * its timeout, and the backoff between attempts) plus a minute; 15 minutes when a handler has no limit.
 */
export function defaultLivenessTtl(handlers: readonly EventHandlerDefinition[]): number {
  let longest = 0;
  for (const { timeoutMs, retry } of handlers) {
    if (timeoutMs === 0) return NO_LIMIT_TTL_MS;
    longest += retry.attempts * timeoutMs;
    for (let failed = 1; failed < retry.attempts; failed++) {
      longest += backoffDelay(failed, { ...retry, jitter: false });
    }
  }
  return longest + SLACK_MS;
}
