import { Injectable } from '@nestjs/common';
import { EventContext, EventHandler, KafkaProducerService, NonRetryableError } from '../../src';

export interface OrderCreated {
  orderId: string;
  total: number;
}

/** What the handlers did, for the tests to assert on. */
@Injectable()
export class OrdersStore {
  readonly created: OrderCreated[] = [];
  readonly flakyAttempts: number[] = [];
}

@Injectable()
export class OrdersHandlers {
  constructor(
    private readonly store: OrdersStore,
    private readonly producer: KafkaProducerService,
  ) {}

  @EventHandler({ eventName: 'orders.order.created' })
  async onCreated(event: OrderCreated): Promise<void> {
    this.store.created.push(event);
    await this.producer.send('billing.invoice.requested', { orderId: event.orderId, amount: event.total });
  }

  @EventHandler({ eventName: 'orders.order.cancelled', retry: { attempts: 3, backoff: { initialMs: 5000 } } })
  onCancelled(event: { orderId: string }): void {
    throw new Error(`refund service down for ${event.orderId}`);
  }

  @EventHandler({ eventName: 'orders.order.shipped', retry: { attempts: 3, backoff: { initialMs: 5000 } } })
  onShipped(_event: unknown, context: EventContext): void {
    this.store.flakyAttempts.push(context.attempt);
    if (context.attempt === 1) throw new Error('carrier API timed out');
  }

  @EventHandler({ eventName: 'orders.order.rejected' })
  onRejected(): void {
    throw new NonRetryableError('order has no lines');
  }
}

/** Listens to what OrdersHandlers.onCreated sends (and so, on a broker, makes its topic exist at startup). */
@Injectable()
export class BillingHandlers {
  readonly requested: unknown[] = [];

  @EventHandler({ eventName: 'billing.invoice.requested' })
  onInvoiceRequested(event: unknown): void {
    this.requested.push(event);
  }
}
