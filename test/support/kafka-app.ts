import {
  DynamicModule,
  INestApplicationContext,
  LoggerService,
  Module,
  Provider,
  Type,
} from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { KafkaMessage } from 'kafkajs';
import { KafkaConsumerService, KafkaModule, KafkaModuleOptions } from '../../src';
import { KafkaOrchestrator } from '../../src/kafka.orchestrator';
import { QuietOptions, testBrokers, testKafka, uniqueName, untilQuiet, waitFor } from './kafka';

export interface TestAppOptions {
  providers: Provider[];
  kafka?: KafkaModuleOptions;
  imports?: (Type | DynamicModule)[];
  /** A logger to capture what the app writes; by default errors only (all levels with TEST_LOGS set). */
  logger?: LoggerService;
}

/** A Nest application context with KafkaModule on the test broker; unique client id, creates its topics. */
export async function startTestApp({
  providers,
  kafka = {},
  imports = [],
  logger,
}: TestAppOptions): Promise<INestApplicationContext> {
  @Module({
    imports: [
      KafkaModule.forRoot({
        clientId: uniqueName('it'),
        createTopics: { numPartitions: 3 },
        ...kafka,
        brokers: kafka.brokers ?? testBrokers(),
      }),
      ...imports,
    ],
    providers,
  })
  class TestAppModule {}

  const app = await NestFactory.createApplicationContext(TestAppModule, {
    logger: logger ?? (process.env.TEST_LOGS ? ['log', 'error', 'warn', 'debug'] : ['error']),
  });
  // No enableShutdownHooks: nothing signals the test process, and each app would add a listener per signal
  // (a suite of a dozen apps passed Node's limit of 10 and warned). The fault suite's own processes enable them.
  // Startup connects in the background; tests start where bootstrap used to return: after the first attempt.
  await app.get(KafkaOrchestrator).whenFirstAttemptDone();
  return app;
}

/** Waits until every consumer group of the app has joined (state running). */
export async function waitForGroups(app: INestApplicationContext, timeoutMs = 30_000): Promise<void> {
  const consumers = app.get(KafkaConsumerService);
  await waitFor(
    () => consumers.list().length > 0 && consumers.list().every((g) => g.state === 'running'),
    `consumer groups to run: ${JSON.stringify(consumers.list().map((g) => [g.groupId, g.state]))}`,
    timeoutMs,
  );
}

/**
 * Records of `topic` from the beginning, read with a throwaway group until `count` arrived (or, given a
 * predicate, until it holds for what was read).
 */
export async function readTopic(
  topic: string,
  until: number | ((messages: KafkaMessage[]) => boolean),
  timeoutMs = 30_000,
): Promise<KafkaMessage[]> {
  const done = typeof until === 'number' ? (m: KafkaMessage[]) => m.length >= until : until;
  const consumer = testKafka().consumer({ groupId: uniqueName('reader'), maxWaitTimeInMs: 200 });
  const messages: KafkaMessage[] = [];
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({ eachMessage: async ({ message }) => void messages.push(message) });
    await waitFor(() => done(messages), `records on ${topic} (have ${messages.length})`, timeoutMs);
  } finally {
    await consumer.disconnect();
  }
  return messages;
}

/**
 * Every record of `topic` from the beginning, read with a throwaway group until `expected` arrived and nothing
 * more came for `quietMs`. Assert the exact count on the result: it includes any duplicate.
 */
export async function readUntilQuiet(
  topic: string,
  options: Omit<QuietOptions, 'what'>,
): Promise<KafkaMessage[]> {
  const consumer = testKafka().consumer({ groupId: uniqueName('reader'), maxWaitTimeInMs: 200 });
  const messages: KafkaMessage[] = [];
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({ eachMessage: async ({ message }) => void messages.push(message) });
    return await untilQuiet(() => messages, { ...options, what: `records on ${topic}` });
  } finally {
    await consumer.disconnect();
  }
}

export function header(message: KafkaMessage, name: string): string | undefined {
  const value = message.headers?.[name];
  return value === undefined
    ? undefined
    : (Array.isArray(value) ? value[value.length - 1] : value).toString();
}
