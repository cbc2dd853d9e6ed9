// The reference design's "Mocking Event Handlers" recipe, kept as written. Not in the reference: the imports,
// the class around its method, and the function around its assertion, which a test runs once the event is sent.
import { Injectable } from '@nestjs/common';
import { EventHandler } from '@/common/kafka';

const mockHandler = jest.fn();

@Injectable()
export class MockingExample {
@EventHandler({ eventName: 'test.event' })
async handleTestEvent(event: any, context: any) {
  return mockHandler(event, context);
}
}

export function expectMockHandlerCalled(): void {
// In tests
expect(mockHandler).toHaveBeenCalledWith(
  expect.objectContaining({ orderId: '123' }),
  expect.any(Object),
);
}
