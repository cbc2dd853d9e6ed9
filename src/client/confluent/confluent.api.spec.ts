import { KafkaClientUnavailableError } from '../../errors/kafka-client-unavailable.error';
import { loadConfluent } from './confluent.api';

describe('loadConfluent', () => {
  it('names the package to install when it is missing', () => {
    const load = () => loadConfluent('@confluentinc/kafka-javascript-not-installed');
    expect(load).toThrow(KafkaClientUnavailableError);
    expect(load).toThrow('npm install @confluentinc/kafka-javascript-not-installed');
  });

  it('says a package that is installed but does not load (a binding built for another Node) needs a rebuild', () => {
    const cause = Object.assign(
      new Error(
        'The module confluent-kafka-javascript.node was compiled against a different Node.js version',
      ),
      { code: 'ERR_DLOPEN_FAILED' },
    );
    const error = new KafkaClientUnavailableError('confluent', '@confluentinc/kafka-javascript', { cause });
    expect(error.message).toContain('is installed but could not be loaded');
    expect(error.message).toContain('compiled against a different Node.js version');
    expect(error.message).toContain('npm rebuild @confluentinc/kafka-javascript');
    expect(error.message).not.toContain('npm install');
  });
});
