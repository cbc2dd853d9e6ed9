import { DeadLetterHeaders } from '../../src';
import type { DemoReport } from './demo.report';
import { PAYMENT_ATTEMPTS } from './demo.constants';
import { FieldServiceEvent } from './field-service.events';

interface HandlerExpectation {
  handler: string;
  receives: (eventName: string) => boolean;
  alwaysFails: boolean;
  /** Calls per event: a handler that always fails is called once per attempt. */
  attempts?: number;
}

/**
 * What each handler should receive, stated in plain string tests rather than the library's pattern
 * matching, so the demo checks the library's routing instead of repeating it.
 */
const HANDLER_EXPECTATIONS: readonly HandlerExpectation[] = [
  {
    handler: 'ServiceOrdersEventHandler.onServiceOrderCreated',
    receives: (name) => name === 'projects.service_order.created',
    alwaysFails: false,
  },
  {
    handler: 'AssignmentsEventHandler.onAssignmentEvent',
    receives: (name) => name.startsWith('assignments.'),
    alwaysFails: false,
  },
  {
    handler: 'StatusChangesEventHandler.onStatusChanged',
    receives: (name) => name.endsWith('.status_changed'),
    alwaysFails: false,
  },
  {
    handler: 'PaymentRecoveryEventHandler.openDunningCase',
    receives: (name) => name === 'execution.job.payment_failed',
    alwaysFails: true,
    attempts: PAYMENT_ATTEMPTS,
  },
];

export interface ExpectedDeliveries {
  perHandler: Record<string, number>;
  deadLetters: number;
}

export function expectedDeliveries(stream: readonly FieldServiceEvent[]): ExpectedDeliveries {
  const perHandler: Record<string, number> = {};
  let deadLetters = 0;
  for (const { handler, receives, alwaysFails, attempts = 1 } of HANDLER_EXPECTATIONS) {
    const count = stream.filter((e) => receives(e.eventName)).length;
    perHandler[handler] = count * attempts;
    if (alwaysFails) deadLetters += count;
  }
  return { perHandler, deadLetters };
}

/** Everything in the report that differs from the expectations; empty when the demo worked. */
export function findProblems(report: DemoReport): string[] {
  const problems: string[] = [];
  for (const expectation of HANDLER_EXPECTATIONS) {
    const handler = report.handlers.find((h) => h.id === expectation.handler);
    if (!handler) {
      problems.push(`${expectation.handler} was not registered as an event handler`);
      continue;
    }
    const unexpected = [...new Set(handler.received.filter((name) => !expectation.receives(name)))];
    if (unexpected.length) problems.push(`${handler.id} was called with ${unexpected.join(', ')}`);
    if (handler.received.length !== handler.expected) {
      problems.push(
        `${handler.id} was called ${handler.received.length} times, expected ${handler.expected}`,
      );
    }
  }
  for (const handler of report.handlers) {
    if (!HANDLER_EXPECTATIONS.some((e) => e.handler === handler.id)) {
      problems.push(`${handler.id} is registered but the demo expects nothing of it`);
    }
  }

  const failing = new Set(HANDLER_EXPECTATIONS.filter((e) => e.alwaysFails).map((e) => e.handler));
  if (report.deadLetters.length !== report.expectedDeadLetters) {
    problems.push(`${report.deadLetters.length} DLQ records, expected ${report.expectedDeadLetters}`);
  }
  for (const record of report.deadLetters) {
    const handler = record.dlq[DeadLetterHeaders.HANDLER];
    if (!failing.has(handler)) problems.push(`DLQ record of ${record.eventName} names handler "${handler}"`);
    if (!record.dlq[DeadLetterHeaders.ORIGINAL_TOPIC]) {
      problems.push(`DLQ record of ${record.eventName} has no ${DeadLetterHeaders.ORIGINAL_TOPIC}`);
    }
  }

  for (const group of report.groups) {
    if (group.state !== 'running') problems.push(`consumer group ${group.groupId} is ${group.state}`);
  }
  if (report.health.httpStatus !== 200 || report.health.body.status !== 'ok') {
    problems.push(
      `GET /health answered ${report.health.httpStatus} with status "${report.health.body.status}"`,
    );
  }
  return problems;
}
