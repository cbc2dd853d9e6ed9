// The reference design's topic override example: a decorator, kept as written, given a method in a class.
import { Injectable } from '@nestjs/common';
import { EventHandler } from '@/common/kafka';

@Injectable()
export class CustomTopicExample {
@EventHandler({
  eventName: 'custom.event',
  topics: ['my-custom-topic'],
})
  async handleCustomEvent(event: any, context: any) {}
}
