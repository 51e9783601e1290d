import net from 'node:net';
import { freePort } from '../../scripts/infra/free-port';
import { describeTakenPort, findTakenPorts } from '../../scripts/stack/port-check';

describe('findTakenPorts', () => {
  it('names a taken port, what it is for and the pid that holds it; free ports pass', async () => {
    const server = net.createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const taken = (server.address() as net.AddressInfo).port;
    const free = await freePort();
    try {
      const found = await findTakenPorts([
        { port: free, purpose: 'media server, MEDIA_PORT' },
        { port: taken, purpose: 'API, API_PORT' },
      ]);
      expect(found).toEqual([{ port: taken, purpose: 'API, API_PORT', holder: { pid: process.pid, command: expect.any(String) } }]);
      expect(describeTakenPort(found[0]!)).toBe(`port ${taken} (API, API_PORT) is already in use by pid ${process.pid} (${found[0]!.holder!.command})`);
    } finally {
      server.close();
    }
  });

  it('sees a port taken on every interface, not only on loopback', async () => {
    const server = net.createServer();
    await new Promise<void>((resolve) => server.listen(0, '0.0.0.0', resolve));
    const port = (server.address() as net.AddressInfo).port;
    try {
      expect(await findTakenPorts([{ port, purpose: 'x' }])).toHaveLength(1);
    } finally {
      server.close();
    }
  });
});
