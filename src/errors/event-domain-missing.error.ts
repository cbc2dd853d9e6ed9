import { InvalidEventError } from './invalid-event.error';

/**
 * send() without options.topic for an event name with no domain (`created` instead of `orders.created`):
 * its topic comes from the domain, the name's first segment, so there is none to derive.
 */
export class EventDomainMissingError extends InvalidEventError {
  override readonly name: string = 'EventDomainMissingError';

  constructor(
    readonly eventName: string,
    message: string,
  ) {
    super(message);
  }
}
