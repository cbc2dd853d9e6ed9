/**
 * A redelivered record names a handler its consumer group no longer has (renamed or removed since the record
 * was parked). The record is parked again with this error; replay it once the handler is back, or drop it.
 */
export class UnknownReplayHandlerError extends Error {
  override readonly name = 'UnknownReplayHandlerError';

  constructor(
    readonly handler: string,
    readonly groupId: string,
    readonly knownHandlers: readonly string[],
  ) {
    super(
      `Replayed record names handler "${handler || '(none)'}", which consumer group "${groupId}" does not have; ` +
        `its handlers: ${knownHandlers.join(', ') || '(none)'}. Restore the handler, or replay with --handler ` +
        `set to one of these`,
    );
  }
}
