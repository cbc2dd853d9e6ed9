// The class-validator DTO README.md's validated handler names (the example defines only the zod schema).
import { IsString } from 'class-validator';

export class PaymentReceivedDto {
  @IsString()
  paymentId!: string;
}
