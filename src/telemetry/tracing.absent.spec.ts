import type * as Library from '../index';
import type * as Testing from '../testing';
import type * as NestTesting from '@nestjs/testing';
import type * as NestCommon from '@nestjs/common';

/**
 * An app that has not installed the optional peer `@opentelemetry/api`: the library loads, sends and handles
 * as before. The package is made unresolvable for a fresh module registry, as `require` finds it in such an app.
 */
describe('without @opentelemetry/api installed', () => {
  it('loads, sends and handles, and the correlation id still carries over', async () => {
    await jest.isolateModulesAsync(async () => {
      jest.doMock('@opentelemetry/api', () => {
        throw Object.assign(new Error("Cannot find module '@opentelemetry/api'"), {
          code: 'MODULE_NOT_FOUND',
        });
      });
      const { openTelemetry } =
        jest.requireActual<typeof import('./opentelemetry.api')>('./opentelemetry.api');
      expect(openTelemetry).toBeUndefined();

      const { Inject, Injectable } = jest.requireActual<typeof NestCommon>('@nestjs/common');
      const { Test } = jest.requireActual<typeof NestTesting>('@nestjs/testing');
      const { EventHandler, KafkaProducerService } = jest.requireActual<typeof Library>('../index');
      const { KafkaTestHarness, KafkaTestingModule } = jest.requireActual<typeof Testing>('../testing');

      @Injectable()
      class Dispatch {
        constructor(@Inject(KafkaProducerService) private readonly producer: Library.KafkaProducerService) {}

        @EventHandler({ eventName: 'work.ordered', groupId: 'dispatch' })
        async ordered(event: { id: string }): Promise<void> {
          await this.producer.send('work.assigned', { id: event.id });
        }
      }

      const moduleRef = await Test.createTestingModule({
        imports: [KafkaTestingModule.forRoot({ clientId: 'no-otel' })],
        providers: [Dispatch],
      }).compile();
      await moduleRef.init();
      try {
        const kafka = moduleRef.get(KafkaTestHarness);
        const result = await kafka.emit('work.ordered', { id: 'w-1' });
        expect(result.outcomes).toEqual([expect.objectContaining({ status: 'handled' })]);
        const [assigned] = kafka.published('work.assigned');
        expect(assigned).toMatchObject({ payload: { id: 'w-1' }, correlationId: result.eventId });
        expect(assigned.headers).not.toHaveProperty('traceparent');
      } finally {
        await moduleRef.close();
      }
    });
  });
});
