/**
 * Envelope lanes over real HTTP: a small server that holds requests until the test lets
 * them go, and says what it received — alone (a token header) or in an envelope.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { RegionClient } from './region-client.ts';
import { RegionClients } from './region-clients.ts';
import { RegionFetcher } from './region-fetch.ts';
import { newReport } from '../../context.ts';
import type { RegionEntry, RequestSealer } from './types.ts';

interface Received {
  kind: 'alone' | 'envelope';
  queries: string[];
  token: string;
}

let server: Server;
let url: string;
let received: Received[] = [];
let held: (() => void)[] = [];
let hold = false;
let mode: 'answer' | 'garbage' | 'refuse-all' = 'answer';

async function readBody(req: IncomingMessage): Promise<string> {
  let text = '';
  for await (const chunk of req) text += chunk;
  return text;
}

async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
  const body = await readBody(req);
  const envelope = req.headers['x-liandong-internal-envelope'] as string | undefined;
  const queries = envelope
    ? (JSON.parse(body).requests as { body: string }[]).map((r) => JSON.parse(r.body).query as string)
    : [JSON.parse(body).query as string];
  received.push({
    kind: envelope ? 'envelope' : 'alone',
    queries,
    token: envelope ?? (req.headers['x-liandong-internal-token'] as string),
  });
  if (hold) await new Promise<void>((resolve) => held.push(resolve));
  res.setHeader('content-type', 'application/json');
  if (mode === 'garbage') return void res.end('not json');
  if (mode === 'refuse-all') {
    res.statusCode = 401;
    return void res.end(JSON.stringify({ errors: [{ message: 'no', extensions: { code: 'UNAUTHENTICATED' } }] }));
  }
  const answer = (query: string) => ({ data: { echo: query } });
  res.end(JSON.stringify(envelope ? { answers: queries.map((q) => ({ status: 200, body: answer(q) })) } : answer(queries[0])));
}

beforeAll(async () => {
  server = createServer((req, res) => void handle(req, res));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
});
beforeEach(() => {
  received = [];
  held = [];
  hold = false;
  mode = 'answer';
});

/** Signs nothing for real: the region side of the token is tested in tests/security/internal-envelope.test.ts. */
const sealer: RequestSealer = {
  prepare: (_region, body) => ({ body, prepared: `prepared:${body}`, headers: {} }),
  seal: (prepared) => ({ 'x-liandong-internal-token': `alone:${prepared}` }),
  sealEnvelope: (region, part, prepared) => ({ 'x-liandong-internal-envelope': `${region}/${part}:${prepared.length}` }),
};

/** A region whose every part is the test server. */
function entry(overrides: Partial<RegionEntry> = {}): RegionEntry {
  const endpoint = `${url}/index`;
  const endpoints = { records: endpoint, index: endpoint, search: endpoint };
  return { code: 'JS', name: 'JS', endpoints, timeoutMs: 2000, maxConcurrency: 32, ...overrides };
}

const post = (client: RegionClient, query: string) => {
  const body = JSON.stringify({ query });
  return client.postSealed('index', sealer.prepare(client.region, body, undefined, 'index'), sealer);
};

async function until(check: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !check(); i++) await new Promise((resolve) => setTimeout(resolve, 5));
  expect(check()).toBe(true);
}

/** Sends `first` and holds it at the region while `then` are made (so they queue), then lets everything go. */
async function queuedBehindOne(client: RegionClient, first: string, then: string[]) {
  hold = true;
  const out = post(client, first);
  await until(() => received.length === 1);
  const queued = then.map((q) => post(client, q));
  hold = false;
  held.shift()!();
  return Promise.all([out, ...queued]);
}

describe('envelope lanes', () => {
  it('sends alone while the region has room; what queues meanwhile leaves as one envelope, each caller getting its own answer', async () => {
    const client = new RegionClient(entry({ envelopes: { maxInFlight: 1, maxRequests: 32 } }));
    try {
      const answers = await queuedBehindOne(client, 'q0', ['q1', 'q2', 'q3']);
      expect(answers.map((a) => [a.status, a.answer?.data?.echo])).toEqual([
        ['answered', 'q0'],
        ['answered', 'q1'],
        ['answered', 'q2'],
        ['answered', 'q3'],
      ]);
      expect(received.map((r) => [r.kind, r.queries, r.token])).toEqual([
        ['alone', ['q0'], 'alone:prepared:{"query":"q0"}'],
        ['envelope', ['q1', 'q2', 'q3'], 'JS/index:3'],
      ]);
    } finally {
      await client.close();
    }
  });

  it('never puts more than maxRequests in one envelope, and sends a lone leftover alone', async () => {
    const client = new RegionClient(entry({ envelopes: { maxInFlight: 1, maxRequests: 2 } }));
    try {
      await queuedBehindOne(client, 'q0', ['q1', 'q2', 'q3']);
      expect(received.map((r) => [r.kind, r.queries])).toEqual([
        ['alone', ['q0']],
        ['envelope', ['q1', 'q2']],
        ['alone', ['q3']],
      ]);
    } finally {
      await client.close();
    }
  });

  it('with envelopes off, sends every request alone at once', async () => {
    const client = new RegionClient(entry({ envelopes: false }));
    try {
      await Promise.all(['a', 'b', 'c'].map((q) => post(client, q)));
      expect(received.map((r) => r.kind)).toEqual(['alone', 'alone', 'alone']);
    } finally {
      await client.close();
    }
  });

  it('an envelope answered with garbage fails each of its requests as a bad response; one refused whole gives each the refusal', async () => {
    const client = new RegionClient(
      entry({ envelopes: { maxInFlight: 1, maxRequests: 32 }, breaker: { failureThreshold: 100, cooldownMs: 100 } }),
    );
    try {
      for (const [how, expected] of [
        ['garbage', { status: 'error', reason: 'bad-response' }],
        ['refuse-all', { status: 'answered', answer: { errors: [{ message: 'no', extensions: { code: 'UNAUTHENTICATED' } }] } }],
      ] as const) {
        received = [];
        hold = true;
        const first = post(client, 'first');
        await until(() => received.length === 1);
        const queued = [post(client, 'x'), post(client, 'y')];
        mode = how;
        hold = false;
        held.shift()!();
        await first;
        const answers = await Promise.all(queued);
        expect(received.at(-1)!.kind).toBe('envelope');
        for (const answer of answers) expect(answer).toMatchObject(expected);
        mode = 'answer';
      }
    } finally {
      await client.close();
    }
  });

  it("a queued request's deadline counts from when it was made: it times out alone, the others still answer", async () => {
    const client = new RegionClient(entry({ timeoutMs: 150, envelopes: { maxInFlight: 1, maxRequests: 32 } }));
    try {
      hold = true;
      const first = post(client, 'slow');
      await until(() => received.length === 1);
      const queued = post(client, 'waits');
      const answer = await queued;
      expect(answer).toMatchObject({ status: 'timeout', reason: 'timeout', message: 'no answer within 150 ms' });
      // Its own 150 ms, not the first's and then its own again.
      expect(answer.latencyMs).toBeLessThan(280);
      hold = false;
      held.shift()!();
      expect((await first).status).toBe('timeout');
    } finally {
      await client.close();
    }
  });

  it('closing the client answers what is still queued, naming why', async () => {
    const client = new RegionClient(entry({ envelopes: { maxInFlight: 1, maxRequests: 32 } }));
    hold = true;
    const first = post(client, 'first');
    await until(() => received.length === 1);
    const queued = post(client, 'queued');
    const closing = client.close();
    expect(await queued).toMatchObject({ status: 'error', message: expect.stringMatching(/region client closed/) });
    held.shift()!();
    await first;
    await closing;
  });

  it('a fan-out sends its regions with room at once under one fan-out token, and queues the busy one for its envelope', async () => {
    const lanes = { maxInFlight: 1, maxRequests: 32 };
    const regions = ['JS', 'GZ', 'HB'].map((code) => entry({ code, name: code, envelopes: lanes }));
    const clients = new RegionClients({ regions: () => regions });
    const fanOut: string[] = [];
    const fetcher = new RegionFetcher(clients, 'index', 'index', {
      sealer,
      batchHeaders: (requests) => {
        fanOut.push(requests.map((r) => r.region.code).join(','));
        return requests.map(() => ({ 'x-liandong-internal-token': 'fan-out' }));
      },
    });
    const context = { requestId: 'r-1', report: newReport() };
    const ask = (codes: string[], query: string) =>
      fetcher.ask(
        regions.filter((r) => codes.includes(r.code)),
        new Map(codes.map((code) => [code, { query: `${query}@${code}` }])),
        context,
      );
    try {
      hold = true;
      const busy = ask(['JS'], 'first');
      await until(() => received.length === 1);
      const spread = ask(['JS', 'GZ', 'HB'], 'spread');
      const again = ask(['JS'], 'again');
      await until(() => received.length === 3);
      // GZ and HB left at once under one fan-out token; JS's waits behind 'first'.
      expect(fanOut).toEqual(['GZ,HB']);
      expect(received.slice(1).map((r) => [r.queries, r.token])).toEqual([
        [['spread@GZ'], 'fan-out'],
        [['spread@HB'], 'fan-out'],
      ]);
      hold = false;
      for (const release of held.splice(0)) release();
      const answers = await spread;
      expect(answers.map((a) => [a.region.code, a.answer?.data?.echo])).toEqual([
        ['JS', 'spread@JS'],
        ['GZ', 'spread@GZ'],
        ['HB', 'spread@HB'],
      ]);
      await Promise.all([busy, again]);
      expect(received.at(-1)).toMatchObject({ kind: 'envelope', queries: ['spread@JS', 'again@JS'] });
    } finally {
      await clients.close();
    }
  });
});
