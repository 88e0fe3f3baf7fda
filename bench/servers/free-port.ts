/** A free TCP port on 127.0.0.1 (bound once by the OS, then released for a server to take). */
import { createServer, type AddressInfo } from 'node:net';

/** Asks the OS for a free 127.0.0.1 port. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}
