/**
 * A "hung" region for the fan-out workload: a loopback TCP listener that accepts
 * connections and never answers, so the gateway must give up by its timeout (unlike a
 * dead region, whose refused connection fails at once).
 */
import { createServer, type Socket } from 'node:net';

export async function startHungRegion(): Promise<{ url: string; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => {});
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
