/**
 * Free loopback ports for processes that must be told their port up front (a child whose
 * address another child needs before it starts). Prefer port 0 where the process reports
 * its address.
 */
import { createServer } from 'node:net';

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}
