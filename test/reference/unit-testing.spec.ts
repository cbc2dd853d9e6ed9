// The reference design's "7. Testing" recipe, run as written. Not in the reference: the imports and the
// `handler` and `ordersService` it uses, made here for "2. Idempotent Handlers", the handler that calls
// ordersService.create(event).
import { IdempotentOrdersHandler, OrdersService } from './best-practices';

let ordersService: jest.Mocked<OrdersService>;
let handler: IdempotentOrdersHandler;

beforeEach(() => {
  ordersService = { findById: jest.fn(async () => undefined), create: jest.fn(async () => undefined) } as unknown as jest.Mocked<OrdersService>;
  handler = new IdempotentOrdersHandler(ordersService);
});

describe('OrdersEventHandler', () => {
  it('should process order.created event', async () => {
    const event = { orderId: '123', /* ... */ };
    const context = { topic: 'fsm.projects', /* ... */ };

    await handler.handleOrderCreated(event, context);

    expect(ordersService.create).toHaveBeenCalledWith(event);
  });
});
