import { Global, Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { HealthIndicatorService } from '@nestjs/terminus';
import {
  KAFKA_CLIENT,
  KAFKA_METRICS,
  KAFKA_OPTIONS,
  KAFKA_RECORD_WRITER,
  KAFKA_TRACING,
} from './kafka.constants';
import { ConsumerLagService } from './admin/consumer-lag.service';
import { KafkaAdminService } from './admin/kafka-admin.service';
import type { KafkaClient } from './client/kafka-client.port';
import { createKafkaClient } from './client/kafka-client.selector';
import { SharedRecordWriter } from './client/shared-record-writer';
import { KafkaModuleOptions, ResolvedKafkaOptions } from './config/kafka-module-options.interface';
import { resolveKafkaOptions } from './config/kafka-options.resolver';
import { TopicResolver } from './config/topic.resolver';
import { KafkaConsumerService } from './consumer/kafka-consumer.service';
import { DeadLetterPublisher } from './dead-letter/dead-letter.publisher';
import { DeadLetterService } from './dead-letter/dead-letter.service';
import { EventHandlerRegistry } from './discovery/event-handler.registry';
import { EventHandlerEnhancer } from './discovery/event-handler.enhancer';
import { KafkaExplorer } from './discovery/kafka.explorer';
import { KafkaMetadataAccessor } from './discovery/kafka-metadata.accessor';
import { KafkaHealthIndicator } from './health/kafka.health';
import { KAFKA_MODULE_OPTIONS, KafkaConfigurableModule } from './kafka-module-definition';
import { KafkaOrchestrator } from './kafka.orchestrator';
import { KafkaProducerService } from './producer/kafka-producer.service';
import { MetricsRecorder } from './telemetry/metrics.recorder';
import { createKafkaTracing } from './telemetry/tracing';

/**
 * `imports: [KafkaModule]` reads the environment (KAFKA_ENABLED, KAFKA_BROKERS, ...);
 * `KafkaModule.forRoot(options)` / `forRootAsync({ useFactory, inject, imports })` take options, and the
 * environment fills what they leave out. Always global: one producer and one set of consumers per app,
 * and handlers in any module are found whichever module imports it.
 */
@Global()
@Module({
  imports: [DiscoveryModule],
  providers: [
    {
      provide: KAFKA_OPTIONS,
      useFactory: (options?: KafkaModuleOptions) => resolveKafkaOptions(options ?? {}, process.env),
      inject: [{ token: KAFKA_MODULE_OPTIONS, optional: true }],
    },
    {
      provide: KAFKA_CLIENT,
      useFactory: (options: ResolvedKafkaOptions) => createKafkaClient(options),
      inject: [KAFKA_OPTIONS],
    },
    {
      provide: KAFKA_RECORD_WRITER,
      useFactory: (options: ResolvedKafkaOptions, client: KafkaClient) =>
        new SharedRecordWriter(() => client.recordWriter(options.producer), options.brokers),
      inject: [KAFKA_OPTIONS, KAFKA_CLIENT],
    },
    {
      // Made once the app is created: a MeterProvider registered before that is the one recorded into.
      provide: KAFKA_METRICS,
      useFactory: (options: ResolvedKafkaOptions) =>
        MetricsRecorder.create(options.enabled && options.telemetry.metrics),
      inject: [KAFKA_OPTIONS],
    },
    {
      // One tracing for the producer, the consumers and the DLQ publisher, decided here as metrics are.
      provide: KAFKA_TRACING,
      useFactory: (options: ResolvedKafkaOptions) => createKafkaTracing(options.telemetry.tracing),
      inject: [KAFKA_OPTIONS],
    },
    HealthIndicatorService,
    TopicResolver,
    KafkaMetadataAccessor,
    EventHandlerRegistry,
    KafkaExplorer,
    EventHandlerEnhancer,
    KafkaProducerService,
    KafkaConsumerService,
    KafkaAdminService,
    ConsumerLagService,
    DeadLetterPublisher,
    DeadLetterService,
    KafkaOrchestrator,
    KafkaHealthIndicator,
  ],
  exports: [
    KafkaProducerService,
    KafkaConsumerService,
    ConsumerLagService,
    EventHandlerRegistry,
    KafkaHealthIndicator,
    DeadLetterService,
  ],
})
export class KafkaModule extends KafkaConfigurableModule {}
