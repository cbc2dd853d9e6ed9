// Type tests, checked by `npm run lint` (tsc): each `@ts-expect-error` must be an error, everything else must
// compile. Nothing here runs.
import { IsString } from 'class-validator';
import { z } from 'zod';
import { EventContext, EventHandler, EventOf, KafkaProducerService } from '../../src';
import { KafkaTestHarness } from '../../src/testing';

// An app types its events by name through declaration merging (names here are this file's own).
declare module '../../src' {
  interface KafkaEventMap {
    'typetest.order.placed': { orderId: string; total: number };
  }
}

type Equals<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
const assertType = <T extends true>(): T => true as T;

const OrderShipped = z.object({ orderId: z.string(), parcels: z.array(z.object({ weightKg: z.number() })) });

class PaymentDto {
  @IsString()
  paymentId!: string;
}

// tsc infers the payload type from the zod schema, and from a DTO class.
assertType<Equals<EventOf<typeof OrderShipped>, { orderId: string; parcels: { weightKg: number }[] }>>();
assertType<Equals<EventOf<typeof PaymentDto>, PaymentDto>>();

export class TypedHandlers {
  @EventHandler({ eventName: 'typetest.order.shipped', schema: OrderShipped })
  onShipped(event: EventOf<typeof OrderShipped>, _context: EventContext): void {
    assertType<Equals<typeof event.parcels, { weightKg: number }[]>>();
    void event;
  }

  // @ts-expect-error the event parameter does not fit the schema's output (orderId is a string)
  @EventHandler({ eventName: 'typetest.order.shipped', schema: OrderShipped })
  onShippedWrongly(_event: { orderId: number }): void {}

  @EventHandler({ eventName: 'typetest.payment.received', schema: PaymentDto })
  onPayment(event: PaymentDto): void {
    void event.paymentId;
  }

  // By name: the KafkaEventMap entry types the handler of an exact event name.
  @EventHandler({ eventName: 'typetest.order.placed' })
  onPlaced(event: { orderId: string; total: number }): void {
    void event;
  }

  // @ts-expect-error total is a number in KafkaEventMap
  @EventHandler({ eventName: 'typetest.order.placed' })
  onPlacedWrongly(_event: { total: string }): void {}

  // A name outside the map, or a pattern, leaves the event as the handler declares it.
  @EventHandler({ eventName: 'typetest.*' })
  onAnything(_event: { whatever: boolean }): void {}
}

export async function sends(producer: KafkaProducerService, kafka: KafkaTestHarness): Promise<void> {
  await producer.send('typetest.order.placed', { orderId: 'o-1', total: 3 });
  // @ts-expect-error total is missing
  await producer.send('typetest.order.placed', { orderId: 'o-1' });
  // @ts-expect-error the harness's emit is typed the same way
  await kafka.emit('typetest.order.placed', { orderId: 1, total: 3 });
  // Events outside the map take any payload, as before.
  await producer.send('typetest.unmapped', { anything: [1, 2] });
}
