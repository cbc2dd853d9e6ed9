import { DynamicModule, Module } from '@nestjs/common';
import { InMemoryClientFactory } from '../client/in-memory/in-memory-client.factory';
import { kafkaClientFactory } from '../client/kafka-client.selector';
import type { KafkaModuleOptions } from '../config/kafka-module-options.interface';
import { resolveKafkaOptions } from '../config/kafka-options.resolver';
import { KafkaModule } from '../kafka.module';
import { KAFKA_TEST_RECORDER, KafkaTestHarness } from './kafka-test.harness';
import type {
  KafkaTestingModuleAsyncOptions,
  KafkaTestingModuleOptions,
  KafkaTestTransport,
} from './kafka-testing.interfaces';
import { TestRecorder } from './test.recorder';

/** Holds the recorder both KafkaModule's client and the harness use, one per compiled testing module. */
@Module({})
class KafkaTestRecorderModule {}

/**
 * A drop-in for KafkaModule in `Test.createTestingModule`, with KafkaModule's options: the same discovery,
 * routing, correlation, retries, timeouts and dead-letter decisions, on an in-memory cluster (or, with
 * transport 'kafka', on the broker), plus an injectable KafkaTestHarness.
 */
@Module({})
export class KafkaTestingModule {
  static forRoot(options: KafkaTestingModuleOptions = {}): DynamicModule {
    return KafkaTestingModule.forRootAsync({ useFactory: () => options });
  }

  static forRootAsync(options: KafkaTestingModuleAsyncOptions): DynamicModule {
    const recorderModule: DynamicModule = {
      module: KafkaTestRecorderModule,
      providers: [{ provide: KAFKA_TEST_RECORDER, useFactory: () => new TestRecorder() }],
      exports: [KAFKA_TEST_RECORDER],
    };
    const kafka = KafkaModule.forRootAsync({
      imports: [recorderModule, ...(options.imports ?? [])],
      inject: [KAFKA_TEST_RECORDER, ...(options.inject ?? [])],
      useFactory: async (recorder: TestRecorder, ...args: unknown[]) =>
        testingOptions(await options.useFactory(...(args as never[])), recorder),
    });
    return {
      module: KafkaTestingModule,
      global: true,
      imports: [recorderModule, kafka],
      providers: [KafkaTestHarness],
      exports: [KafkaTestHarness],
    };
  }
}

function defaultTransport(): KafkaTestTransport {
  return process.env.KAFKA_TEST_TRANSPORT === 'kafka' ? 'kafka' : 'memory';
}

/** KafkaModule's options for a test: the recorder around the client, and what the transport needs. */
function testingOptions(options: KafkaTestingModuleOptions, recorder: TestRecorder): KafkaModuleOptions {
  const { transport = defaultTransport(), retryDelays = 'skip', ...kafka } = options;
  recorder.transport = transport;
  const memory = transport === 'memory';
  // On the broker, the client KafkaModule would pick (clientFactory, else client / KAFKA_CLIENT), recorded.
  const client = memory
    ? (kafka.clientFactory ?? new InMemoryClientFactory())
    : kafkaClientFactory(resolveKafkaOptions(kafka, process.env));
  return {
    ...kafka,
    // In memory nothing leaves the process, so KAFKA_ENABLED=false (common in test environments) is moot.
    enabled: memory ? true : kafka.enabled,
    // The handlers' topics and the DLQ exist from the start, as a test expects.
    createTopics: kafka.createTopics ?? { numPartitions: 1 },
    // No one else writes to an in-memory cluster: waiting to gather sends only slows each emit.
    producer: memory ? { lingerMs: 0, ...kafka.producer } : kafka.producer,
    clientFactory: recorder.wrap(client),
    skipRetryWaits: retryDelays === 'skip',
  };
}
