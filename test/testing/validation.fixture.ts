import { Injectable } from '@nestjs/common';
import { Type } from 'class-transformer';
import { IsInt, IsPositive, IsString, Min, ValidateNested, validateOrReject } from 'class-validator';
import { z } from 'zod';
import { EventHandler, EventOf } from '../../src';

export const ParcelShipped = z.object({
  parcelId: z.string(),
  weightKg: z.number().positive(),
  items: z.array(z.object({ sku: z.string().min(3) })),
});

class PaymentLine {
  @IsString()
  sku!: string;

  @IsInt()
  @Min(1)
  quantity!: number;
}

export class PaymentReceivedDto {
  @IsString()
  paymentId!: string;

  @IsPositive()
  amount!: number;

  @ValidateNested({ each: true })
  @Type(() => PaymentLine)
  lines!: PaymentLine[];

  total(): number {
    return this.amount;
  }
}

/** What the handlers received, for the tests to assert on. */
@Injectable()
export class ValidatedHandlers {
  readonly parcels: EventOf<typeof ParcelShipped>[] = [];
  readonly payments: PaymentReceivedDto[] = [];
  readonly calls = { parcel: 0, payment: 0, manual: 0 };

  @EventHandler({ eventName: 'shipping.parcel.shipped', schema: ParcelShipped })
  onParcel(event: EventOf<typeof ParcelShipped>): void {
    this.calls.parcel++;
    this.parcels.push(event);
  }

  @EventHandler({ eventName: 'payments.payment.received', schema: PaymentReceivedDto })
  onPayment(event: PaymentReceivedDto): void {
    this.calls.payment++;
    this.payments.push(event);
  }

  /** No schema: validates inside, as the reference app did; validateOrReject rejects with an array. */
  @EventHandler({ eventName: 'payments.refund.requested' })
  async onRefund(event: object): Promise<void> {
    this.calls.manual++;
    await validateOrReject(Object.assign(new PaymentReceivedDto(), event));
  }
}
