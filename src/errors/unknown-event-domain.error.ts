/** send() for an event whose domain has no topic mapping, and no options.topic. */
export class UnknownEventDomainError extends Error {
  override readonly name = 'UnknownEventDomainError';

  constructor(
    readonly eventName: string,
    readonly domain: string,
    readonly knownDomains: readonly string[],
    message: string,
  ) {
    super(message);
  }
}
