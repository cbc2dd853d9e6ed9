import { NestFactory } from '@nestjs/core';
import { NestExpressApplication } from '@nestjs/platform-express';
import { SHUTDOWN_SIGNALS } from './demo.constants';
import { FieldServiceModule } from './field-service.module';

/** The Nest app (Express), not yet listening. Its shutdown hooks close it on Ctrl-C. */
export async function createFieldServiceApp(brokers: string[]): Promise<NestExpressApplication> {
  const app = await NestFactory.create<NestExpressApplication>(FieldServiceModule.register(brokers), {
    // kafkajs' info logs arrive as debug; the demo shows what the app and the library say.
    logger: ['log', 'warn', 'error', 'fatal'],
    // A wiring error should reach main (which stops the broker), not abort the process.
    abortOnError: false,
  });
  app.enableShutdownHooks([...SHUTDOWN_SIGNALS]);
  return app;
}
