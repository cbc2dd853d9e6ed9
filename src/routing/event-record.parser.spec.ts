import { EventParseError, EventParseFailure } from '../errors/event-parse.error';
import { decodeHeaders, eventNameFromBody, parseEventBody } from './event-record.parser';

function parseFailure(parse: () => unknown): EventParseFailure {
  try {
    parse();
  } catch (error) {
    expect(error).toBeInstanceOf(EventParseError);
    return (error as EventParseError).reason;
  }
  throw new Error('expected an EventParseError');
}

describe('decodeHeaders', () => {
  it('decodes Buffer and string values as UTF-8 text', () => {
    expect(decodeHeaders({ 'event-name': Buffer.from('order.créé'), 'correlation-id': 'c-1' })).toEqual({
      'event-name': 'order.créé',
      'correlation-id': 'c-1',
    });
  });

  it('keeps the last value of a repeated header', () => {
    expect(decodeHeaders({ 'event-name': [Buffer.from('first'), 'second', Buffer.from('last')] })).toEqual({
      'event-name': 'last',
    });
  });

  it('skips headers without a value', () => {
    expect(decodeHeaders({ present: 'yes', absent: undefined, none: [] })).toEqual({ present: 'yes' });
  });

  it('gives no headers for a record without headers', () => {
    expect(decodeHeaders(undefined)).toEqual({});
  });
});

describe('parseEventBody', () => {
  it('parses a JSON value', () => {
    expect(parseEventBody(Buffer.from('{"eventName":"order.created","total":12.5,"tags":["é"]}'))).toEqual({
      eventName: 'order.created',
      total: 12.5,
      tags: ['é'],
    });
  });

  it('rejects a tombstone as an empty value', () => {
    expect(parseFailure(() => parseEventBody(null))).toBe('empty-value');
  });

  it('rejects an empty value', () => {
    expect(parseFailure(() => parseEventBody(Buffer.alloc(0)))).toBe('empty-value');
  });

  it.each(['{"eventName":', 'not json', "{'single':'quotes'}"])('rejects invalid JSON (%s)', (text) => {
    expect(parseFailure(() => parseEventBody(Buffer.from(text)))).toBe('invalid-json');
  });
});

describe('eventNameFromBody', () => {
  it('reads eventName first, then event_name, then type', () => {
    expect(eventNameFromBody({ eventName: 'a.first', event_name: 'a.second', type: 'a.third' })).toBe(
      'a.first',
    );
    expect(eventNameFromBody({ event_name: 'a.second', type: 'a.third' })).toBe('a.second');
    expect(eventNameFromBody({ type: 'a.third' })).toBe('a.third');
  });

  it('ignores fields that are not a non-empty string', () => {
    expect(eventNameFromBody({ eventName: 42, event_name: '  ', type: 'a.third' })).toBe('a.third');
    expect(eventNameFromBody({ eventName: null, event_name: { name: 'x' }, type: 'a.third' })).toBe(
      'a.third',
    );
  });

  it.each([
    ['an object without a name field', { orderId: 'o-1' }],
    ['an object whose name fields are empty or not text', { eventName: '', event_name: 7, type: ['a.b'] }],
    ['null', null],
    ['a string', 'order.created'],
    ['a number', 42],
  ])('rejects %s as missing the event name', (_label, body) => {
    expect(parseFailure(() => eventNameFromBody(body))).toBe('missing-event-name');
  });
});
