// The reference design's "Event Name Patterns" example. Its four decorators are fragments: each is kept as
// written (lines at column 0) and given a method, inside a class, so that they compile and run.
import { Injectable } from '@nestjs/common';
import { EventHandler } from '@/common/kafka';

@Injectable()
export class PatternExamples {
// Exact match
@EventHandler({ eventName: 'order.created' })
  async exact(event: any, context: any) {}

// Wildcard - match all order events
@EventHandler({ eventName: 'order.*' })
  async allOrders(event: any, context: any) {}

// Wildcard - match all status change events
@EventHandler({ eventName: '*.status_changed' })
  async statusChanges(event: any, context: any) {}

// Match everything (use with caution!)
@EventHandler({ eventName: '*' })
  async everything(event: any, context: any) {}
}
