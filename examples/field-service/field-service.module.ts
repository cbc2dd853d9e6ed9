import { DynamicModule, Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { KafkaModule, KafkaModuleOptions, resolveKafkaOptions } from '../../src';
import { AssignmentsEventHandler } from './assignments.event-handler';
import { CLIENT_ID } from './demo.constants';
import { DLQ_WATCHER_OPTIONS, DlqWatcher } from './dlq.watcher';
import { HandlerStatsService } from './handler-stats.service';
import { HealthController } from './health.controller';
import { PaymentRecoveryEventHandler } from './payment-recovery.event-handler';
import { ServiceOrdersEventHandler } from './service-orders.event-handler';
import { StatusChangesEventHandler } from './status-changes.event-handler';

@Module({})
export class FieldServiceModule {
  static register(brokers: string[]): DynamicModule {
    const kafka: KafkaModuleOptions = { createTopics: true, brokers, clientId: CLIENT_ID };
    // The DLQ topic as the library will resolve it (KAFKA_DLQ_TOPIC may move it from the default).
    const { dlqTopic } = resolveKafkaOptions(kafka);
    return {
      module: FieldServiceModule,
      imports: [KafkaModule.forRoot(kafka), TerminusModule],
      controllers: [HealthController],
      providers: [
        HandlerStatsService,
        ServiceOrdersEventHandler,
        AssignmentsEventHandler,
        StatusChangesEventHandler,
        PaymentRecoveryEventHandler,
        DlqWatcher,
        { provide: DLQ_WATCHER_OPTIONS, useValue: { brokers, topic: dlqTopic } },
      ],
    };
  }
}
