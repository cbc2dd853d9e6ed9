import { isLegalTopicName } from '../config/kafka-names';
import { InvalidEventError } from '../errors/invalid-event.error';
import { loggable } from '../kafka.messages';

/** Event names: dot-separated words, as the routing rules expect; no spaces, control characters or wildcards. */
const EVENT_NAME = /^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*$/;
const MAX_EVENT_NAME = 249;
const MAX_HEADER_NAME = 256;
const MAX_HEADER_VALUE = 16 * 1024;
// Matching control characters is the point: they forge log lines (CR, LF) and break header parsers.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f]/;

/** Checks what send() is given before it is used in a topic lookup, a header or a log line. */
export function validateOutgoingEvent(
  eventName: string,
  topic: string | undefined,
  headers?: Record<string, string>,
): void {
  if (typeof eventName !== 'string' || eventName.length > MAX_EVENT_NAME || !EVENT_NAME.test(eventName)) {
    throw new InvalidEventError(
      `Invalid event name "${loggable(String(eventName), 80)}": use dot-separated words of letters, digits, "_" and "-" ` +
        `(at most ${MAX_EVENT_NAME} characters), such as projects.service_order.created`,
    );
  }
  if (topic !== undefined && !isLegalTopicName(topic)) {
    throw new InvalidEventError(`Invalid topic "${loggable(topic, 80)}" for event "${eventName}"`);
  }
  for (const [name, value] of Object.entries(headers ?? {})) {
    if (name.length === 0 || name.length > MAX_HEADER_NAME || CONTROL.test(name)) {
      throw new InvalidEventError(`Invalid header name "${loggable(name, 80)}" on event "${eventName}"`);
    }
    if (typeof value !== 'string' || Buffer.byteLength(value) > MAX_HEADER_VALUE) {
      throw new InvalidEventError(
        `Header "${loggable(name, 80)}" on event "${eventName}" must be text of at most ${MAX_HEADER_VALUE} bytes`,
      );
    }
  }
}
