import { SetMetadata } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { EventHandler } from '../decorators/event-handler.decorator';
import { KafkaMetadataAccessor } from './kafka-metadata.accessor';

class Handlers {
  @EventHandler({ eventName: 'order.created' })
  ours(): void {}

  // What another library's decorator with an unscoped key writes: not an @EventHandler.
  @SetMetadata('kafka:event_handler', { eventName: 'order.created' })
  theirs(): void {}
}

describe('KafkaMetadataAccessor', () => {
  const accessor = new KafkaMetadataAccessor(new Reflector());

  it("reads @EventHandler's options, and not another library's unscoped 'kafka:event_handler' key", () => {
    expect(accessor.getEventHandlerOptions(Handlers.prototype.ours)).toEqual({ eventName: 'order.created' });
    expect(accessor.getEventHandlerOptions(Handlers.prototype.theirs)).toBeUndefined();
  });
});
