import { DeadLetterHeaders } from '../../src';
import type { DemoReport } from './demo.report';

export interface DemoRunInfo {
  runId: string;
  brokers: string[];
  brokerMode: string;
  brokerStartMs: number;
  totalMs: number;
}

/** The readable end of the demo: what was sent, who handled what, what was dead-lettered, and health. */
export function formatSummary(report: DemoReport, run: DemoRunInfo, problems: readonly string[]): string {
  const lines: string[] = [];
  const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
  lines.push(
    '',
    '=== Field-service demo: summary ===',
    `Run ${run.runId} | broker ${run.brokers.join(',')} (${run.brokerMode}) | ` +
      `took ${seconds(run.totalMs)} (broker start ${seconds(run.brokerStartMs)})`,
  );

  lines.push('', `Events sent: ${report.sent.length}`);
  const perDomain = new Map<string, { topic: string; count: number }>();
  for (const sent of report.sent) {
    const domain = sent.eventName.split('.')[0];
    const entry = perDomain.get(domain) ?? { topic: sent.topic, count: 0 };
    entry.count++;
    perDomain.set(domain, entry);
  }
  lines.push(
    ...table(
      ['domain', 'topic', 'events'],
      [...perDomain].map(([domain, { topic, count }]) => [domain, topic, String(count)]),
    ),
  );

  lines.push('', 'Handled per handler (calls this run / expected; the consumer group counts records)');
  lines.push(
    ...table(
      ['handler', 'eventName', 'calls', 'group: handled / skipped / parked', 'topics'],
      report.handlers.map((h) => {
        const group = report.groups.find((g) => g.groupId === h.groupId);
        const counters = group ? `${group.handled} / ${group.skipped} / ${group.parked}` : '-';
        return [h.id, h.eventName, `${h.received.length} / ${h.expected}`, counters, h.topics.join(',')];
      }),
    ),
  );
  if (report.ignoredFromEarlierRuns > 0) {
    lines.push(`  (${report.ignoredFromEarlierRuns} calls with events of earlier runs were not counted)`);
  }

  lines.push(
    '',
    `Dead-letter records in ${report.dlqTopic}: ${report.deadLetters.length} (expected ${report.expectedDeadLetters})`,
  );
  report.deadLetters.forEach((record, i) => {
    const dlq = record.dlq;
    lines.push(
      `  ${i + 1}. ${record.eventName}  key ${record.key}`,
      `     ${DeadLetterHeaders.HANDLER}: ${dlq[DeadLetterHeaders.HANDLER]}`,
      `     ${DeadLetterHeaders.ERROR_MESSAGE}: ${dlq[DeadLetterHeaders.ERROR_NAME]}: ${dlq[DeadLetterHeaders.ERROR_MESSAGE]}`,
      `     ${DeadLetterHeaders.ORIGINAL_TOPIC}: ${dlq[DeadLetterHeaders.ORIGINAL_TOPIC]} ` +
        `(partition ${dlq[DeadLetterHeaders.ORIGINAL_PARTITION]}, offset ${dlq[DeadLetterHeaders.ORIGINAL_OFFSET]})`,
    );
  });

  const { httpStatus, body } = report.health;
  const kafka = (body.info ?? body.error ?? {}).kafka as { status?: string } | undefined;
  lines.push(
    '',
    `Health: GET /health -> ${httpStatus}, status "${body.status}", kafka ${kafka?.status ?? '?'}`,
  );

  lines.push(
    '',
    problems.length === 0 ? 'Result: OK' : `Result: FAILED\n${problems.map((p) => `  - ${p}`).join('\n')}`,
    '',
  );
  return lines.join('\n');
}

function table(header: string[], rows: string[][]): string[] {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const render = (cells: string[]) => `  ${cells.map((c, i) => c.padEnd(widths[i])).join('  ')}`.trimEnd();
  return [render(header), ...rows.map(render)];
}
