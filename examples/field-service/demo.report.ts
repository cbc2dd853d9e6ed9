import type { ConsumerGroupStatus, SentEventMetadata } from '../../src';
import type { DeadLetterRecord } from './dlq.watcher';

/** One @EventHandler as the library registered it, and what it received in this run. */
export interface HandlerReport {
  /** Class.method */
  id: string;
  eventName: string;
  groupId: string;
  topics: string[];
  /** Event names it was called with, in arrival order. */
  received: readonly string[];
  expected: number;
}

export interface HealthReport {
  httpStatus: number;
  body: { status?: string; info?: Record<string, unknown>; error?: Record<string, unknown> };
}

/** Everything the scenario observed; the summary prints it and the expectations judge it. */
export interface DemoReport {
  sent: SentEventMetadata[];
  handlers: HandlerReport[];
  groups: ConsumerGroupStatus[];
  dlqTopic: string;
  deadLetters: readonly DeadLetterRecord[];
  expectedDeadLetters: number;
  /** Records of earlier runs a reused broker delivered to the handlers (not counted). */
  ignoredFromEarlierRuns: number;
  health: HealthReport;
}
