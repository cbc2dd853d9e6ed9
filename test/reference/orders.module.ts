// The reference design's "Register Handler in Module" example, unchanged but for this comment.
import { Module } from '@nestjs/common';
import { OrdersEventHandler } from './orders.event-handler';

@Module({
  providers: [OrdersEventHandler],
})
export class OrdersModule {}
