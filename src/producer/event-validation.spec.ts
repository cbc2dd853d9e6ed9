import { InvalidEventError } from '../errors/invalid-event.error';
import { loggable } from '../kafka.messages';
import { validateOutgoingEvent } from './event-validation';

describe('validateOutgoingEvent', () => {
  it("accepts the reference design's event names, topics and text headers", () => {
    expect(() =>
      validateOutgoingEvent('projects.service_order.created', 'fsm.projects', {
        tenant: 'acme',
        'x-trace': 'a-b',
      }),
    ).not.toThrow();
  });

  it.each([
    ['a newline', 'order.created\nFAKE LOG LINE'],
    ['a wildcard', 'order.*'],
    ['an empty segment', 'order..created'],
    ['spaces', 'order created'],
    ['too long', `a.${'x'.repeat(300)}`],
    ['empty', ''],
  ])('rejects an event name with %s', (_why, name) => {
    expect(() => validateOutgoingEvent(name, undefined)).toThrow(InvalidEventError);
  });

  it('rejects an illegal topic, a header name with a control character and an oversized header value', () => {
    expect(() => validateOutgoingEvent('a.b', 'bad topic')).toThrow(/Invalid topic/);
    expect(() => validateOutgoingEvent('a.b', undefined, { 'x\r\ny': 'v' })).toThrow(/Invalid header name/);
    expect(() => validateOutgoingEvent('a.b', undefined, { big: 'v'.repeat(20_000) })).toThrow(
      /at most 16384 bytes/,
    );
  });

  it('never echoes a control character into an error message', () => {
    const error = (() => {
      try {
        validateOutgoingEvent('order.created\r\nERROR forged', undefined);
      } catch (e) {
        return e as Error;
      }
    })();
    expect(error?.message).not.toMatch(/[\r\n]/);
    expect(loggable('a\nb')).toBe('a\\x0ab');
    expect(loggable('x'.repeat(500)).length).toBe(301);
  });
});
