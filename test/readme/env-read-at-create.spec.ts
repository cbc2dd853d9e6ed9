// README (Quick Start): KafkaModule reads process.env when the app is created, not when it is imported, so a
// loader that fills process.env in between (@nestjs/config's ConfigModule.forRoot() in AppModule's imports) works.
import { Injectable, Module } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { EventHandler, EventHandlerRegistry, KafkaModule } from '@/common/kafka';

@Injectable()
class OrdersEventHandler {
  @EventHandler({ eventName: 'projects.service_order.created' })
  async handleOrderCreated(): Promise<void> {}
}

@Module({ imports: [KafkaModule], providers: [OrdersEventHandler] })
class AppModule {}

const saved = { ...process.env };
afterEach(() => {
  process.env = { ...saved };
});

it('takes the variables set after the modules were declared, before the app is created', async () => {
  process.env.KAFKA_ENABLED = 'false';
  process.env.KAFKA_CLIENT_ID = 'loaded-late';

  const moduleRef = await Test.createTestingModule({ imports: [AppModule] }).compile();
  await moduleRef.init();

  expect(
    moduleRef
      .get(EventHandlerRegistry)
      .getGroups()
      .map((g) => g.groupId),
  ).toEqual(['loaded-late.OrdersEventHandler.handleOrderCreated']);
  await moduleRef.close();
});
