import { anyBrokerUp, BrokerLink } from './confluent-broker-link';

/** A librdkafka statistics report, cut to the fields read (its broker entries, as librdkafka 2.x names them). */
const report = (states: { bootstrap: string; learned: string }) =>
  JSON.stringify({
    name: 'rdkafka#producer-1',
    type: 'producer',
    brokers: {
      'localhost:39092/bootstrap': {
        name: 'localhost:39092/bootstrap',
        nodeid: -1,
        source: 'configured',
        state: states.bootstrap,
      },
      'localhost:39092/1': { name: 'localhost:39092/1', nodeid: 1, source: 'learned', state: states.learned },
      // Always UP, and no connection to a broker.
      ':0/internal': { name: ':0/internal', nodeid: -1, source: 'internal', state: 'UP' },
      GroupCoordinator: { name: 'GroupCoordinator', nodeid: 1, source: 'logical', state: 'UP' },
    },
  });

describe('the broker link read from librdkafka statistics', () => {
  it('is up while a broker the client was given or learned of is UP', () => {
    expect(anyBrokerUp(report({ bootstrap: 'INIT', learned: 'UP' }))).toBe(true);
    expect(anyBrokerUp(report({ bootstrap: 'UP', learned: 'CONNECT' }))).toBe(true);
  });

  it('is down when no broker connection is UP, whatever its internal and logical entries say', () => {
    expect(anyBrokerUp(report({ bootstrap: 'INIT', learned: 'DOWN' }))).toBe(false);
    expect(anyBrokerUp(report({ bootstrap: 'TRY_CONNECT', learned: 'APIVERSION_QUERY' }))).toBe(false);
  });

  it('reads nothing from what is not a report', () => {
    expect(anyBrokerUp('not json')).toBeUndefined();
    expect(anyBrokerUp('{"type":"producer"}')).toBeUndefined();
  });

  it('reports going down during an outage and up after it, once each, from its stats events', () => {
    const turns: boolean[] = [];
    const link = new BrokerLink((up) => turns.push(up));
    const event = (learned: string) => ({ message: report({ bootstrap: 'INIT', learned }) });
    link.note(event('UP'));
    expect(link.up).toBe(true);
    link.note(event('DOWN'));
    link.note(event('CONNECT'));
    expect(link.up).toBe(false);
    link.note({ message: 'garbled' });
    expect(link.up).toBe(false);
    link.note(event('UP'));
    link.note(event('UP'));
    expect(link.up).toBe(true);
    expect(turns).toEqual([false, true]);
  });

  it('has librdkafka report to it through stats_cb', () => {
    const link = new BrokerLink();
    const settings = link.settings();
    expect(settings['statistics.interval.ms']).toBeGreaterThan(0);
    settings.stats_cb({ message: report({ bootstrap: 'INIT', learned: 'DOWN' }) });
    expect(link.up).toBe(false);
  });
});
