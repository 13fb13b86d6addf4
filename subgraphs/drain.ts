/**
 * Draining a node:http server before the process stops: no new connections, every
 * request already received answered, and every keep-alive connection closed by the
 * server at a moment when the client is not writing onto it.
 *
 * Why more than `server.close()`: in Node 20 `close()` only stops the listener and
 * closes the connections idle at that instant. A connection busy at that instant stays
 * keep-alive after its answer (its `Connection: keep-alive` header is already decided),
 * so the gateway's pool reuses it for more requests and `close()` waits for its idle
 * timeout (65 s) — longer than the shutdown grace, so the process was killed with
 * requests on that connection, which the gateway saw as "other side closed". Here every
 * answer written after the drain began says `Connection: close` (the client takes the
 * socket out of its pool before sending anything else on it), an answer whose headers
 * were already out gets its socket ended right after it, and idle sockets are closed.
 */
import type { Server, ServerResponse } from 'node:http';

export interface Drain {
  /** Call first for every request: marks it in flight and, once draining, asks its client to close. */
  track(res: ServerResponse): void;
  /** Stops accepting and resolves once every request in flight has been answered and every connection is closed. */
  drain(): Promise<void>;
}

export function drainable(server: Server): Drain {
  const inFlight = new Set<ServerResponse>();
  let draining = false;

  const closeAfter = (res: ServerResponse) => {
    if (!res.headersSent) {
      res.setHeader('connection', 'close');
      return;
    }
    // Headers said keep-alive: end the socket ourselves once the answer is out. Taken
    // now: by the time 'finish' is heard, node has detached it from the response.
    const socket = res.socket;
    res.once('finish', () => socket?.end());
  };

  return {
    track(res) {
      inFlight.add(res);
      res.once('close', () => inFlight.delete(res));
      if (draining) closeAfter(res);
    },
    drain() {
      draining = true;
      for (const res of inFlight) closeAfter(res);
      return new Promise<void>((resolve) => {
        // Resolves when the listener is closed and the last connection has ended.
        server.close(() => resolve());
        server.closeIdleConnections();
      });
    },
  };
}
