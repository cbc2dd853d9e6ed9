/** An @EventHandler that cannot be wired (no topic to derive, conflicting group options): names Class.method. */
export class EventHandlerDefinitionError extends Error {
  override readonly name: string = 'EventHandlerDefinitionError';

  constructor(
    readonly handler: string,
    message: string,
  ) {
    super(message);
  }
}
