import { KafkaClientUnavailableError } from '../../errors/kafka-client-unavailable.error';
import { loadConfluent } from './confluent.api';

describe('loadConfluent', () => {
  it('names the package to install when it is missing', () => {
    const load = () => loadConfluent('@confluentinc/kafka-javascript-not-installed');
    expect(load).toThrow(KafkaClientUnavailableError);
    expect(load).toThrow('npm install @confluentinc/kafka-javascript-not-installed');
  });
});
