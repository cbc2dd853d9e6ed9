import { execFile } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** PEM files made at test time (nothing committed): a CA, a broker and a client it signed, and a rogue pair. */
export interface TestCertificates {
  dir: string;
  caPem: string;
  /** The broker's private key and certificate in one PEM file (Kafka's PEM keystore). */
  brokerKeystore: string;
  clientCertPem: string;
  clientKeyPem: string;
  /** A client certificate signed by a CA the broker does not trust. */
  rogueCertPem: string;
  rogueKeyPem: string;
  /** A CA the client does not trust (for rejectUnauthorized tests). */
  rogueCaPem: string;
  /** A client certificate signed by the trusted CA that expired in 2020. */
  expiredCertPem: string;
  expiredKeyPem: string;
}

/** `openssl ca` settings: the only openssl 3.0 command that can back-date a certificate. */
const CA_CONFIG = `[ ca ]
default_ca = test
[ test ]
dir = .
database = index.txt
new_certs_dir = .
serial = serial
default_md = sha256
policy = any
[ any ]
commonName = supplied
`;

async function openssl(dir: string, ...args: string[]): Promise<void> {
  await run('openssl', args, { cwd: dir });
}

/** A new RSA key `<name>.key` and a signing request `<name>.csr` for `subject`. */
async function keyAndRequest(dir: string, name: string, subject: string): Promise<void> {
  await openssl(
    dir,
    'req',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-keyout',
    `${name}.key`,
    '-out',
    `${name}.csr`,
    '-subj',
    subject,
  );
}

async function signed(
  dir: string,
  name: string,
  subject: string,
  ca: string,
  extensions?: string,
): Promise<void> {
  await keyAndRequest(dir, name, subject);
  const ext = extensions ? ['-extfile', `${name}.ext`] : [];
  if (extensions) await writeFile(join(dir, `${name}.ext`), extensions);
  await openssl(
    dir,
    ...['x509', '-req', '-in', `${name}.csr`, '-CA', `${ca}.pem`, '-CAkey', `${ca}.key`, '-CAcreateserial'],
    ...['-out', `${name}.pem`, '-days', '2', ...ext],
  );
}

/** Makes the certificates in `dir` with openssl; valid for two days. */
export async function makeTestCertificates(dir: string): Promise<TestCertificates> {
  for (const ca of ['ca', 'rogue-ca']) {
    await openssl(
      dir,
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-keyout',
      `${ca}.key`,
      '-out',
      `${ca}.pem`,
      '-days',
      '2',
      '-subj',
      `/CN=${ca}`,
    );
  }
  await signed(dir, 'broker', '/CN=localhost', 'ca', 'subjectAltName=DNS:localhost,IP:127.0.0.1\n');
  await signed(dir, 'client', '/CN=mtls-client', 'ca');
  await signed(dir, 'rogue', '/CN=mtls-client', 'rogue-ca');
  await writeFile(join(dir, 'ca.cnf'), CA_CONFIG);
  await writeFile(join(dir, 'index.txt'), '');
  await writeFile(join(dir, 'serial'), '01\n');
  await keyAndRequest(dir, 'expired', '/CN=mtls-client');
  await openssl(
    dir,
    'ca',
    '-batch',
    '-config',
    'ca.cnf',
    '-cert',
    'ca.pem',
    '-keyfile',
    'ca.key',
    '-in',
    'expired.csr',
    '-out',
    'expired.pem',
    '-startdate',
    '20200101000000Z',
    '-enddate',
    '20200102000000Z',
    '-notext',
  );
  const read = (file: string) => readFile(join(dir, file), 'utf8');
  const brokerKeystore = join(dir, 'broker-keystore.pem');
  await writeFile(brokerKeystore, (await read('broker.key')) + (await read('broker.pem')));
  return {
    dir,
    caPem: await read('ca.pem'),
    brokerKeystore,
    clientCertPem: await read('client.pem'),
    clientKeyPem: await read('client.key'),
    rogueCertPem: await read('rogue.pem'),
    rogueKeyPem: await read('rogue.key'),
    rogueCaPem: await read('rogue-ca.pem'),
    expiredCertPem: await read('expired.pem'),
    expiredKeyPem: await read('expired.key'),
  };
}
