/** send() refused an event whose record would exceed the broker's size limit (producer.maxRecordBytes). */
export class EventTooLargeError extends Error {
  override readonly name = 'EventTooLargeError';

  constructor(
    readonly eventName: string,
    readonly bytes: number,
    readonly limit: number,
  ) {
    super(
      `Event "${eventName}" is ${bytes} bytes, over the ${limit}-byte limit (the broker's message.max.bytes; ` +
        'producer.maxRecordBytes): send a reference to the data instead, or raise both limits',
    );
  }
}
