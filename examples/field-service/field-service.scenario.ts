import { INestApplication, Logger } from '@nestjs/common';
import {
  ConsumerGroupStatus,
  EventHandlerRegistry,
  KafkaConsumerService,
  KafkaProducerService,
  SentEventMetadata,
} from '../../src';
import { Deadline } from './demo.deadline';
import { expectedDeliveries } from './demo.expectations';
import { DemoReport, HealthReport } from './demo.report';
import { RUN_HEADER, RUN_ID } from './demo.constants';
import { DlqWatcher } from './dlq.watcher';
import { buildFieldServiceStream } from './field-service.stream';
import { HandlerStatsService } from './handler-stats.service';

const logger = new Logger('FieldServiceDemo');

/**
 * The demo's steps against a started app: wait for every consumer group, send the stream, wait for every
 * expected handler call and dead-letter record, ask /health. Every wait is bounded by `deadline`.
 */
export async function runFieldServiceScenario(
  app: INestApplication,
  deadline: Deadline,
): Promise<DemoReport> {
  const consumers = app.get(KafkaConsumerService);
  const registry = app.get(EventHandlerRegistry);
  const producer = app.get(KafkaProducerService);
  const stats = app.get(HandlerStatsService);
  const dlq = app.get(DlqWatcher);

  const groupCount = registry.getGroups().length;
  await deadline.waitUntil(
    () => consumers.list().length === groupCount && consumers.list().every((g) => g.state === 'running'),
    `all ${groupCount} consumer groups to be running`,
    () => describeGroups(consumers.list()),
  );
  logger.log(`All ${groupCount} consumer groups are running`);
  // The library created the DLQ topic before starting any group, so the watcher can subscribe now.
  await deadline.race(dlq.start(), `the DLQ watcher to join on ${dlq.topic}`);

  const stream = buildFieldServiceStream();
  const sent: SentEventMetadata[] = [];
  for (const event of stream) {
    const options = { key: event.key, correlationId: event.correlationId, headers: { [RUN_HEADER]: RUN_ID } };
    sent.push(
      await deadline.race(producer.send(event.eventName, event.payload, options), `send ${event.eventName}`),
    );
  }
  logger.log(`Sent ${sent.length} events`);

  const expected = expectedDeliveries(stream);
  const handlerIds = Object.keys(expected.perHandler);
  await deadline.waitUntil(
    () =>
      handlerIds.every((id) => stats.count(id) >= expected.perHandler[id]) &&
      dlq.received.length >= expected.deadLetters,
    'every expected handler call and DLQ record',
    () =>
      [
        ...handlerIds.map((id) => `${id} ${stats.count(id)}/${expected.perHandler[id]}`),
        `DLQ ${dlq.received.length}/${expected.deadLetters}`,
      ].join(', '),
  );
  logger.log('Every expected handler call and DLQ record arrived');

  const health = await deadline.race(getHealth(await app.getUrl()), 'GET /health');
  return {
    sent,
    handlers: registry.getHandlers().map((h) => ({
      id: h.id,
      eventName: h.eventName,
      groupId: h.groupId,
      topics: [...h.topics].sort(),
      received: stats.eventNames(h.id),
      expected: expected.perHandler[h.id] ?? 0,
    })),
    groups: consumers.list(),
    dlqTopic: dlq.topic,
    deadLetters: dlq.received,
    expectedDeadLetters: expected.deadLetters,
    ignoredFromEarlierRuns: stats.ignoredFromEarlierRuns,
    health,
  };
}

async function getHealth(baseUrl: string): Promise<HealthReport> {
  const response = await fetch(`${baseUrl}/health`);
  return { httpStatus: response.status, body: (await response.json()) as HealthReport['body'] };
}

function describeGroups(groups: ConsumerGroupStatus[]): string {
  if (groups.length === 0) return 'no consumer group started yet';
  return groups.map((g) => `${g.groupId} ${g.state}${g.lastError ? ` (${g.lastError})` : ''}`).join(', ');
}
