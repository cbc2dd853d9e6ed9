import { ConfigurableModuleBuilder } from '@nestjs/common';
import { KafkaModuleOptions } from './config/kafka-module-options.interface';

export const {
  ConfigurableModuleClass: KafkaConfigurableModule,
  MODULE_OPTIONS_TOKEN: KAFKA_MODULE_OPTIONS,
  OPTIONS_TYPE: KAFKA_OPTIONS_TYPE,
  ASYNC_OPTIONS_TYPE: KAFKA_ASYNC_OPTIONS_TYPE,
} = new ConfigurableModuleBuilder<KafkaModuleOptions>().setClassMethodName('forRoot').build();
