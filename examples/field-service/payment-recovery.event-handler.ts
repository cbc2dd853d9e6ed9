import { Injectable, Logger } from '@nestjs/common';
import { EventContext, EventHandler } from '../../src';
import { BillingUnavailableError } from './billing-unavailable.error';
import { PAYMENT_ATTEMPTS } from './demo.constants';
import { JobPaymentFailed } from './field-service.events';
import { HandlerStatsService } from './handler-stats.service';

/**
 * Opens a dunning case when an on-site payment is declined. The billing API is "down" for the whole demo,
 * so this handler always throws: the library retries it, then parks each of these events in the dead-letter
 * topic with the attempts counted.
 */
@Injectable()
export class PaymentRecoveryEventHandler {
  private readonly logger = new Logger(PaymentRecoveryEventHandler.name);

  constructor(private readonly stats: HandlerStatsService) {}

  @EventHandler({
    eventName: 'execution.job.payment_failed',
    fromBeginning: true,
    retry: { attempts: PAYMENT_ATTEMPTS, backoff: { initialMs: 100 } },
  })
  async openDunningCase(event: JobPaymentFailed, context: EventContext): Promise<void> {
    this.stats.record('PaymentRecoveryEventHandler.openDunningCase', context);
    const amount = `${event.amount.currency} ${event.amount.value.toFixed(2)}`;
    this.logger.warn(
      `Payment for ${event.jobId} declined (${event.declineCode}, ${amount}): opening a dunning case ` +
        `(attempt ${context.attempt} of ${PAYMENT_ATTEMPTS})`,
    );
    throw new BillingUnavailableError(
      503,
      `billing-api answered 503 Service Unavailable: cannot open a dunning case for ${event.jobId} ` +
        `(${event.serviceOrderId}, ${amount}, ${event.declineCode})`,
    );
  }
}
