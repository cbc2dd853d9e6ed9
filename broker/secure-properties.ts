import { PropertyValue } from './broker-properties';

export interface SecurePorts {
  clientPort: number;
  controllerPort: number;
  saslPlaintextPort: number;
  saslSslPort: number;
  sslPort: number;
}

/** Users the secure broker knows: PLAIN ones in the listener's JAAS config, SCRAM ones in KRaft storage. */
export const TEST_USERS = {
  plain: { username: 'plain-user', password: 'plain-secret-8c2f' },
  scram256: { username: 'scram256-user', password: 'scram256-secret-51ad' },
  scram512: { username: 'scram512-user', password: 'scram512-secret-e07b' },
  /** A SCRAM-SHA-512 user that ACLs allow only the topics starting with "limited." */
  limited: { username: 'limited-user', password: 'limited-secret-9a31' },
} as const;

const PLAIN_JAAS =
  'org.apache.kafka.common.security.plain.PlainLoginModule required ' +
  `user_${TEST_USERS.plain.username}="${TEST_USERS.plain.password}";`;
const SCRAM_JAAS = 'org.apache.kafka.common.security.scram.ScramLoginModule required;';

/** StorageTool --add-scram arguments for the SCRAM users. */
export function scramCredentials(): string[] {
  const { scram256, scram512, limited } = TEST_USERS;
  return [
    `SCRAM-SHA-256=[name=${scram256.username},password=${scram256.password}]`,
    `SCRAM-SHA-512=[name=${scram512.username},password=${scram512.password}]`,
    `SCRAM-SHA-512=[name=${limited.username},password=${limited.password}]`,
  ];
}

/**
 * server.properties entries for a single node whose client listeners enforce SASL_PLAINTEXT, SASL_SSL and
 * SSL with client certificates, with ACLs on. The PLAINTEXT listener (principal ANONYMOUS, a super user)
 * stays for the launcher's readiness check and for tests that set ACLs up.
 */
export function secureBrokerProperties(
  ports: SecurePorts,
  tls: { keystore: string; truststore: string },
): Record<string, PropertyValue> {
  const listeners = {
    PLAINTEXT: ports.clientPort,
    SASL_PLAINTEXT: ports.saslPlaintextPort,
    SASL_SSL: ports.saslSslPort,
    SSL: ports.sslPort,
  };
  const client = Object.entries(listeners).map(([name, port]) => `${name}://127.0.0.1:${port}`);
  const props: Record<string, PropertyValue> = {
    listeners: [...client, `CONTROLLER://127.0.0.1:${ports.controllerPort}`].join(','),
    'advertised.listeners': client.join(','),
    'listener.security.protocol.map':
      'PLAINTEXT:PLAINTEXT,SASL_PLAINTEXT:SASL_PLAINTEXT,SASL_SSL:SASL_SSL,SSL:SSL,CONTROLLER:PLAINTEXT',
    'sasl.enabled.mechanisms': 'PLAIN,SCRAM-SHA-256,SCRAM-SHA-512',
    'ssl.keystore.type': 'PEM',
    'ssl.keystore.location': tls.keystore,
    'ssl.truststore.type': 'PEM',
    'ssl.truststore.location': tls.truststore,
    'listener.name.ssl.ssl.client.auth': 'required',
    // The client certificate's CN is the principal: CN=mtls-client -> User:mtls-client.
    'ssl.principal.mapping.rules': 'RULE:^CN=([a-zA-Z0-9._-]+)$/$1/,DEFAULT',
    'authorizer.class.name': 'org.apache.kafka.metadata.authorizer.StandardAuthorizer',
    'allow.everyone.if.no.acl.found': false,
    'super.users': 'User:ANONYMOUS',
  };
  for (const listener of ['sasl_plaintext', 'sasl_ssl']) {
    props[`listener.name.${listener}.plain.sasl.jaas.config`] = PLAIN_JAAS;
    props[`listener.name.${listener}.scram-sha-256.sasl.jaas.config`] = SCRAM_JAAS;
    props[`listener.name.${listener}.scram-sha-512.sasl.jaas.config`] = SCRAM_JAAS;
  }
  return props;
}
