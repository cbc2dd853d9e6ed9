import { Injectable } from '@nestjs/common';
import type { EventContext } from '../../src';
import { RUN_HEADER, RUN_ID } from './demo.constants';

/** What the demo's handlers saw, per handler (`Class.method`): the event names, in arrival order. */
@Injectable()
export class HandlerStatsService {
  private readonly seen = new Map<string, string[]>();
  private ignored = 0;

  /** Counts one invocation; records from earlier runs (a reused broker) are only tallied as ignored. */
  record(handler: string, context: EventContext): void {
    if (context.headers[RUN_HEADER] !== RUN_ID) {
      this.ignored++;
      return;
    }
    const names = this.seen.get(handler) ?? [];
    names.push(context.eventName);
    this.seen.set(handler, names);
  }

  count(handler: string): number {
    return this.seen.get(handler)?.length ?? 0;
  }

  eventNames(handler: string): readonly string[] {
    return this.seen.get(handler) ?? [];
  }

  get ignoredFromEarlierRuns(): number {
    return this.ignored;
  }
}
