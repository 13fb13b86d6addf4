/**
 * A transparent HTTP proxy in front of one region's subgraph that counts the requests
 * passing through, by path (`/records`, `/index`, `/search`, `/healthz`). Tests use it to
 * see which regions the gateway really asked — independently of what the gateway
 * reports about itself.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface CountingProxy {
  url: string;
  /** Requests per path since the last reset. */
  counts(): Record<string, number>;
  /** GraphQL requests (every path but /healthz and /changes) since the last reset. */
  graphqlRequests(): number;
  reset(): void;
  close(): Promise<void>;
}

const NOT_GRAPHQL = new Set(['/healthz', '/changes']);

export async function startCountingProxy(target: string): Promise<CountingProxy> {
  const targetUrl = new URL(target);
  let counts: Record<string, number> = {};
  const agent = new http.Agent({ keepAlive: true });
  const server = http.createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://proxy').pathname;
    counts[path] = (counts[path] ?? 0) + 1;
    const upstream = http.request(
      {
        host: targetUrl.hostname,
        port: targetUrl.port,
        method: req.method,
        path: req.url,
        headers: req.headers,
        agent,
      },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    // The subgraph being down is passed on as a refused connection would be: a 502.
    upstream.on('error', (error) => {
      if (!res.headersSent) res.writeHead(502, { 'content-type': 'text/plain' });
      res.end(`proxy: ${error.message}`);
    });
    req.pipe(upstream);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    counts: () => ({ ...counts }),
    // Neither health probes nor the gateway cache's change stream (GET /changes) are GraphQL requests.
    graphqlRequests: () =>
      Object.entries(counts)
        .filter(([path]) => !NOT_GRAPHQL.has(path))
        .reduce((n, [, c]) => n + c, 0),
    reset: () => {
      counts = {};
    },
    close: () =>
      new Promise<void>((resolve) => {
        agent.destroy();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
