import { EventHandlerDefinitionError } from '../errors/event-handler-definition.error';
import { compileEventPattern } from './event-pattern';

describe('compileEventPattern', () => {
  const matching = (pattern: string, names: string[]) => names.filter(compileEventPattern(pattern).matches);

  it('matches an exact name only against itself', () => {
    const pattern = compileEventPattern('order.created');
    expect(pattern.isExact).toBe(true);
    expect(matching('order.created', ['order.created', 'order.created.v2', 'order', 'order.create'])).toEqual(
      ['order.created'],
    );
  });

  it('matches names ignoring case, exact or wildcard, as the topic of a domain is found lower-cased', () => {
    expect(matching('orders.created', ['Orders.Created', 'ORDERS.CREATED', 'orders.created'])).toHaveLength(
      3,
    );
    expect(matching('orders.*', ['Orders.Created', 'orders.Item.Added', 'Order.Created'])).toEqual([
      'Orders.Created',
      'orders.Item.Added',
    ]);
    expect(matching('Orders.*', ['orders.created'])).toEqual(['orders.created']);
    expect(matching('*.Status_Changed', ['projects.status_changed'])).toEqual(['projects.status_changed']);
  });

  it('lets a trailing "*" stand for one or more whole segments after the prefix', () => {
    expect(compileEventPattern('order.*').isExact).toBe(false);
    expect(
      matching('order.*', [
        'order.created',
        'order.item.added',
        'order',
        'orders.created',
        'order.',
        'xorder.created',
      ]),
    ).toEqual(['order.created', 'order.item.added']);
  });

  it('lets a leading "*" stand for one or more whole segments before the suffix', () => {
    expect(
      matching('*.status_changed', [
        'projects.service_order.status_changed',
        'a.status_changed',
        'status_changed',
        'a.xstatus_changed',
        'a.status_changed.v2',
      ]),
    ).toEqual(['projects.service_order.status_changed', 'a.status_changed']);
  });

  it('lets a middle "*" stand for one or more whole segments between prefix and suffix', () => {
    expect(matching('a.*.c', ['a.b.c', 'a.b.x.c', 'a.c', 'a.b.cc', 'x.b.c'])).toEqual(['a.b.c', 'a.b.x.c']);
  });

  it('makes "*" alone match every non-empty event name', () => {
    expect(matching('*', ['order', 'order.created', 'projects.service_order.status_changed', ''])).toEqual([
      'order',
      'order.created',
      'projects.service_order.status_changed',
    ]);
  });

  it('treats regular-expression characters in a name as literal text', () => {
    expect(matching('order+x.*', ['order+x.created', 'orderrx.created', 'orderx.created'])).toEqual([
      'order+x.created',
    ]);
    expect(matching('*.a(b)?', ['x.a(b)?', 'x.ab', 'x.a'])).toEqual(['x.a(b)?']);
    expect(matching('v1.0.*', ['v1.0.created', 'v1x0.created'])).toEqual(['v1.0.created']);
  });

  it('keeps the pattern source for the routing table', () => {
    expect(compileEventPattern('order.*').source).toBe('order.*');
  });

  it.each(['order.creat*', '*order.created', 'order.*x'])(
    'rejects "*" inside a segment (%s), naming the handler',
    (pattern) => {
      const compile = () => compileEventPattern(pattern, 'OrderHandlers.created');
      expect(compile).toThrow(EventHandlerDefinitionError);
      expect(compile).toThrow(/OrderHandlers\.created/);
      expect(compile).toThrow(pattern);
    },
  );

  it.each(['order..created', '', ' ', '.order', 'order.'])(
    'rejects empty segments ("%s"), naming the handler',
    (pattern) => {
      let thrown: unknown;
      try {
        compileEventPattern(pattern, 'OrderHandlers.created');
      } catch (error) {
        thrown = error;
      }
      expect(thrown).toBeInstanceOf(EventHandlerDefinitionError);
      expect((thrown as EventHandlerDefinitionError).handler).toBe('OrderHandlers.created');
      expect((thrown as Error).message).toContain('OrderHandlers.created');
    },
  );
});
