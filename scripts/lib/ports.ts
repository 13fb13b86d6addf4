/**
 * Free loopback ports for processes that must be told their port up front (a child whose
 * address another child needs before it starts). Prefer port 0 where the process reports
 * its address.
 */
import { connect, createServer } from 'node:net';

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

/**
 * A loopback port where nothing listens, for a region that must be down (connection
 * refused). Not a port found free with listen(0) and closed again: under a parallel test
 * run another process's listen(0) can be handed that very port a moment later, and the
 * "down" region then answers (seen once in CI). Ports here come from below the kernel's
 * ephemeral range (32768 and up on Linux), which listen(0) never hands out, and above the
 * fixed ports of `npm start` (4000–4999); each is checked to refuse before it is returned.
 */
export async function closedPort(): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const port = 20000 + Math.floor(Math.random() * 10000);
    if (await refuses(port)) return port;
  }
  throw new Error('closedPort: 50 ports between 20000 and 29999 all accepted connections on 127.0.0.1; expected one that refuses');
}

function refuses(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', (error: NodeJS.ErrnoException) => resolve(error.code === 'ECONNREFUSED'));
  });
}
