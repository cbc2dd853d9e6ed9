import { compileEventPattern } from './event-pattern';
import { EventRouter, Routable } from './event-router';

interface Handler extends Routable {
  readonly id: string;
}

const handler = (id: string, eventName: string, topics: string[]): Handler => ({
  id,
  pattern: compileEventPattern(eventName, id),
  topics: new Set(topics),
});

const ids = (handlers: readonly Handler[]) => handlers.map((h) => h.id);

describe('EventRouter', () => {
  const handlers = [
    handler('anyOrder', 'order.*', ['orders']),
    handler('created', 'order.created', ['orders']),
    handler('statusChanged', '*.status_changed', ['orders', 'projects']),
    handler('everything', '*', ['orders', 'projects']),
    handler('createdAgain', 'order.created', ['orders']),
    handler('projectCreated', 'projects.created', ['projects']),
  ];

  it('routes a name written with capitals to the handlers of the same name in any case', () => {
    const router = new EventRouter(handlers);
    expect(ids(router.route('Order.Created', 'orders'))).toEqual([
      'anyOrder',
      'created',
      'everything',
      'createdAgain',
    ]);
    expect(
      ids(
        new EventRouter([handler('upper', 'Projects.Created', ['projects'])]).route(
          'projects.created',
          'projects',
        ),
      ),
    ).toEqual(['upper']);
  });

  it('returns exact and wildcard handlers that match, in declaration order', () => {
    const router = new EventRouter(handlers);
    expect(ids(router.route('order.created', 'orders'))).toEqual([
      'anyOrder',
      'created',
      'everything',
      'createdAgain',
    ]);
    expect(ids(router.route('order.status_changed', 'orders'))).toEqual([
      'anyOrder',
      'statusChanged',
      'everything',
    ]);
  });

  it('leaves out handlers that do not subscribe to the record topic', () => {
    const router = new EventRouter(handlers);
    expect(ids(router.route('order.created', 'projects'))).toEqual(['everything']);
    expect(ids(router.route('projects.created', 'projects'))).toEqual(['everything', 'projectCreated']);
  });

  it('returns nothing for a topic no matching handler subscribes to', () => {
    const router = new EventRouter(handlers);
    expect(router.route('order.created', 'billing')).toEqual([]);
  });

  it('returns nothing for a name no pattern matches', () => {
    const router = new EventRouter([handler('created', 'order.created', ['orders'])]);
    expect(router.route('order.deleted', 'orders')).toEqual([]);
  });

  it('gives the same handlers on repeated calls, whatever was routed in between', () => {
    const router = new EventRouter(handlers);
    const first = ids(router.route('order.created', 'orders'));
    router.route('order.created', 'projects');
    router.route('order.deleted', 'orders');
    expect(ids(router.route('order.created', 'orders'))).toEqual(first);
    expect(ids(router.route('order.created', 'projects'))).toEqual(['everything']);
  });

  it('tests each wildcard pattern once per distinct event name and topic', () => {
    const counted = handler('anyOrder', 'order.*', ['orders']);
    const matches = jest.spyOn(counted.pattern, 'matches');
    const router = new EventRouter([counted]);
    for (let i = 0; i < 5; i++) router.route('order.created', 'orders');
    expect(matches).toHaveBeenCalledTimes(1);
  });
});
