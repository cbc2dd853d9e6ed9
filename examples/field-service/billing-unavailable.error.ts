/** The billing system refused a request; in the demo it is always down, so every dunning case fails. */
export class BillingUnavailableError extends Error {
  override readonly name = 'BillingUnavailableError';

  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}
