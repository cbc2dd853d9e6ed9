export type EventParseFailure = 'empty-value' | 'invalid-json' | 'missing-event-name';

/** A record that cannot become an event; it is parked in the DLQ with `reason`, never dropped. */
export class EventParseError extends Error {
  override readonly name = 'EventParseError';

  constructor(
    readonly reason: EventParseFailure,
    message: string,
  ) {
    super(message);
  }
}
