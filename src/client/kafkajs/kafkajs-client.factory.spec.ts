import { Logger } from '@nestjs/common';
import { configError } from '../../../test/support/config-error';
import { KafkajsClientFactory } from './kafkajs-client.factory';

const CONNECTION = {
  clientId: 'group-protocol-spec',
  brokers: ['127.0.0.1:9'],
  ssl: false,
  connectionTimeout: 1000,
  requestTimeout: 1000,
};

describe('KafkajsClientFactory', () => {
  it('refuses the KIP-848 group protocol when the module is made, naming the client to use', () => {
    const error = configError(() =>
      new KafkajsClientFactory().create({ ...CONNECTION, groupProtocol: 'consumer' }),
    );
    expect(error.setting).toBe('groupProtocol');
    expect(error.message).toContain("client: 'confluent'");
    expect(error.message).toContain('KAFKA_CLIENT=confluent');
  });

  it('makes a client for the classic protocol, connecting to nothing yet', () => {
    const client = new KafkajsClientFactory().create({ ...CONNECTION, groupProtocol: 'classic' });
    expect(typeof client.groupConsumer).toBe('function');
  });

  describe('TLS certificate verification', () => {
    let warn: jest.SpyInstance;
    beforeEach(() => {
      warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    });
    afterEach(() => warn.mockRestore());

    it('warns when it is off (rejectUnauthorized: false / KAFKA_SSL_REJECT_UNAUTHORIZED=false)', () => {
      new KafkajsClientFactory().create({ ...CONNECTION, ssl: { rejectUnauthorized: false } });
      expect(warn).toHaveBeenCalledWith(expect.stringContaining('TLS certificate verification is OFF'));
    });

    it('says nothing when it is on, or TLS is not used', () => {
      new KafkajsClientFactory().create({ ...CONNECTION, ssl: { rejectUnauthorized: true } });
      new KafkajsClientFactory().create({ ...CONNECTION, ssl: true });
      new KafkajsClientFactory().create(CONNECTION);
      expect(warn).not.toHaveBeenCalledWith(expect.stringContaining('TLS certificate verification'));
    });
  });
});
