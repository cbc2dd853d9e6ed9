import { AddressInfo, createServer, Server } from 'node:net';
import { refusedByEveryBroker } from './broker-socket.probe';

/** A port nothing listens on: one the OS handed out and that was closed again. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('refusedByEveryBroker', () => {
  let listening: Server;
  let open: string;

  beforeAll(async () => {
    listening = createServer((socket) => socket.destroy());
    await new Promise<void>((resolve) => listening.listen(0, '127.0.0.1', resolve));
    open = `127.0.0.1:${(listening.address() as AddressInfo).port}`;
  });

  afterAll(() => new Promise((resolve) => listening.close(resolve)));

  it('names the refusal when every broker refuses the connection, as an unreachable client error', async () => {
    const closed = `127.0.0.1:${await closedPort()}`;
    const refusal = await refusedByEveryBroker([closed], 1000);
    expect(refusal).toMatchObject({ kind: 'unreachable', retriable: true });
    expect(refusal?.message).toBe(`unreachable: Connection error: connect ECONNREFUSED ${closed}`);
  });

  it('says nothing when one broker accepts, though another refuses', async () => {
    const closed = `127.0.0.1:${await closedPort()}`;
    expect(await refusedByEveryBroker([closed, open], 1000)).toBeUndefined();
  });

  it('says nothing for an address it cannot read', async () => {
    expect(await refusedByEveryBroker(['no-port'], 1000)).toBeUndefined();
  });
});
