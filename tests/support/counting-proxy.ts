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
  /**
   * Requests per path since the last reset — except the gateway's fetches of the region's
   * membership filter (`GET /filter`, on their own timer), counted in `filterFetches()`.
   */
  counts(): Record<string, number>;
  filterFetches(): number;
  /** Change streams (`GET /changes`) open through the proxy right now: the gateway's connections to the region's SSE endpoint. */
  openStreams(): number;
  /** GraphQL requests (every path but /healthz and /changes) since the last reset. */
  graphqlRequests(): number;
  /** Of those, how many were envelopes (several gateway requests in one: the envelope token header). */
  envelopes(): number;
  /** Holds each GraphQL request this long before passing it on (a region slow to answer; 0: none). */
  delay(ms: number): void;
  reset(): void;
  close(): Promise<void>;
}

const NOT_GRAPHQL = new Set(['/healthz', '/changes']);

/**
 * How the proxy passes on the region's `GET /filter` (membership filter tests): as it is,
 * with the filter's bits changed after signing (`tampered`), without its signature
 * (`unsigned`), or as a region without filters would answer (`missing`: 404).
 */
export type FilterAnswer = 'as-is' | 'tampered' | 'unsigned' | 'missing';

function editFilter(body: string, answer: Exclude<FilterAnswer, 'as-is' | 'missing'>): string {
  const published = JSON.parse(body) as { bits: string; signature?: string };
  if (answer === 'unsigned') return JSON.stringify({ ...published, signature: undefined });
  const bits = Buffer.from(published.bits, 'base64');
  bits.fill(0xff); // every key "may be held" — and the signature no longer matches
  return JSON.stringify({ ...published, bits: bits.toString('base64') });
}

export async function startCountingProxy(target: string, filterAnswer: FilterAnswer = 'as-is'): Promise<CountingProxy> {
  const targetUrl = new URL(target);
  let counts: Record<string, number> = {};
  let filterFetches = 0;
  let openStreams = 0;
  let envelopes = 0;
  let delayMs = 0;
  const agent = new http.Agent({ keepAlive: true });
  const server = http.createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://proxy').pathname;
    if (path === '/filter') filterFetches++;
    else counts[path] = (counts[path] ?? 0) + 1;
    if (req.headers['x-liandong-internal-envelope'] !== undefined) envelopes++;
    if (delayMs > 0 && req.method === 'POST') setTimeout(() => forward(req, res, path), delayMs);
    else forward(req, res, path);
  });
  function forward(req: http.IncomingMessage, res: http.ServerResponse, path: string): void {
    if (path === '/changes') {
      openStreams++;
      res.once('close', () => openStreams--);
    }
    if (path === '/filter' && filterAnswer === 'missing') {
      res.writeHead(404, { 'content-type': 'text/plain' });
      res.end('no such route');
      return;
    }
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
        if (path === '/filter' && answer.statusCode === 200 && (filterAnswer === 'tampered' || filterAnswer === 'unsigned')) {
          const chunks: Buffer[] = [];
          answer.on('data', (chunk: Buffer) => chunks.push(chunk));
          answer.on('end', () => {
            res.writeHead(200, { 'content-type': 'application/json' });
            res.end(editFilter(Buffer.concat(chunks).toString('utf8'), filterAnswer));
          });
          return;
        }
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
        // A subgraph that dies mid-answer (a change stream when it is killed) cuts the client's connection too, as
        // a real proxy does: otherwise the gateway would hold an open, silent stream to a region that restarted.
        answer.once('aborted', () => res.destroy());
      },
    );
    // The subgraph being down is passed on as a refused connection would be: a 502.
    upstream.on('error', (error) => {
      if (!res.headersSent) res.writeHead(502, { 'content-type': 'text/plain' });
      res.end(`proxy: ${error.message}`);
    });
    req.pipe(upstream);
  }
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    counts: () => ({ ...counts }),
    filterFetches: () => filterFetches,
    openStreams: () => openStreams,
    // Neither health probes nor the gateway cache's change stream (GET /changes) are GraphQL requests.
    graphqlRequests: () =>
      Object.entries(counts)
        .filter(([path]) => !NOT_GRAPHQL.has(path))
        .reduce((n, [, c]) => n + c, 0),
    envelopes: () => envelopes,
    delay: (ms) => {
      delayMs = ms;
    },
    reset: () => {
      counts = {};
      filterFetches = 0;
      envelopes = 0;
    },
    close: () =>
      new Promise<void>((resolve) => {
        agent.destroy();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
