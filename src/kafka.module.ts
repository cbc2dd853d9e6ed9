import { Global, Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { HealthIndicatorService } from '@nestjs/terminus';
import { KAFKA_CLIENT, KAFKA_OPTIONS } from './kafka.constants';
import { KafkajsClientFactory } from './client/kafka-client.factory';
import { resolveKafkaOptions } from './config/kafka-options.resolver';
import { TopicResolver } from './config/topic.resolver';
import { KafkaConsumerService } from './consumer/kafka-consumer.service';
import { DeadLetterPublisher } from './dead-letter/dead-letter.publisher';
import { EventHandlerRegistry } from './discovery/event-handler.registry';
import { KafkaExplorer } from './discovery/kafka.explorer';
import { KafkaMetadataAccessor } from './discovery/kafka-metadata.accessor';
import { KafkaHealthIndicator } from './health/kafka.health';
import { KafkaModuleOptions, ResolvedKafkaOptions } from './interfaces/kafka-module-options.interface';
import { KAFKA_MODULE_OPTIONS, KafkaConfigurableModule } from './kafka-module-definition';
import { KafkaOrchestrator } from './kafka.orchestrator';
import { KafkaProducerService } from './producer/kafka-producer.service';
import { KafkaAdminService } from './topics/kafka-admin.service';

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
      useFactory: (options: ResolvedKafkaOptions) =>
        (options.clientFactory ?? new KafkajsClientFactory()).create(options),
      inject: [KAFKA_OPTIONS],
    },
    HealthIndicatorService,
    TopicResolver,
    KafkaMetadataAccessor,
    EventHandlerRegistry,
    KafkaExplorer,
    KafkaProducerService,
    KafkaConsumerService,
    KafkaAdminService,
    DeadLetterPublisher,
    KafkaOrchestrator,
    KafkaHealthIndicator,
  ],
  exports: [KafkaProducerService, KafkaConsumerService, EventHandlerRegistry, KafkaHealthIndicator],
})
export class KafkaModule extends KafkaConfigurableModule {}
