/**
 * RegionClient against real fixture regions over HTTP: answers, keep-alive, the
 * concurrency cap with its bounded queue, timeouts, and the headers hook.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { P1, GZ_DATA } from './fixtures/fixture-data.ts';
import { fixtureDirectory, startFixtureRegion, type FixtureRegion } from './fixtures/fixture-regions.ts';
import { RegionClient } from './region-client.ts';
import { RegionClients } from './region-clients.ts';
import { RegionFetcher } from './region-fetch.ts';
import { newReport } from '../../context.ts';

let gz: FixtureRegion;
const QUERY = JSON.stringify({ query: `{ person(idNumber: "${P1}") { regions } }` });

beforeAll(async () => {
  gz = await startFixtureRegion('GZ', GZ_DATA);
});
afterAll(async () => {
  await gz?.stop();
});
beforeEach(() => {
  gz.mode = 'normal';
  gz.resetCounts();
});

describe('RegionClient', () => {
  it("answers with the region's GraphQL response", async () => {
    const client = new RegionClient(gz.entry());
    try {
      const answer = await client.post('index', QUERY, {});
      expect(answer.status).toBe('answered');
      expect(answer.answer).toEqual({ data: { person: { regions: ['GZ'] } } });
    } finally {
      await client.close();
    }
  });

  it('keeps connections alive between requests', async () => {
    const client = new RegionClient(gz.entry());
    try {
      const before = gz.connections;
      for (let i = 0; i < 10; i++) expect((await client.post('index', QUERY, {})).status).toBe('answered');
      // Undici may open a second socket while the first is being released; never one per request.
      expect(gz.connections - before).toBeLessThanOrEqual(2);
    } finally {
      await client.close();
    }
  });

  it('queues beyond the concurrency cap and refuses at once beyond the queue, without blaming the region', async () => {
    const breaker = { failureThreshold: 3, cooldownMs: 60_000 };
    const client = new RegionClient(gz.entry({ maxConcurrency: 1, timeoutMs: 300, breaker }), { maxQueue: 1 });
    try {
      gz.mode = 'hang';
      const first = client.post('index', QUERY, {});
      const queued = client.post('index', QUERY, {});
      const refused = await client.post('index', QUERY, {});
      expect(refused.status).toBe('error');
      expect(refused.message).toMatch(/overloaded at the gateway: 1 requests in flight and 1 waiting/);
      const [a, b] = await Promise.all([first, queued]);
      expect(a.status).toBe('timeout');
      // The queued one waited within the same deadline and never reached the region.
      expect(b.status).toBe('timeout');
      expect(gz.counts.index).toBe(1);
      // Two timeouts count against the region; the refusal (our own backlog) does not.
      expect(client.breaker.state).toBe('closed');
    } finally {
      await client.close();
    }
  });

  it('sends the headers of the hook, with the exact body it was given', async () => {
    const clients = new RegionClients(fixtureDirectory([gz.entry()]));
    const seen: string[] = [];
    const fetcher = new RegionFetcher(clients, 'index', 'index', {
      headers: (region, body, context) => {
        seen.push(`${region.code} ${(context as { requestId?: string }).requestId}`);
        return { 'x-liandong-signature': `signed:${body.length}` };
      },
    });
    try {
      const context = { requestId: 'r-1', report: newReport() };
      await fetcher.ask(clients.regions(), new Map([['GZ', JSON.parse(QUERY)]]), context);
      expect(seen).toEqual(['GZ r-1']);
      expect(gz.bodies[0].headers['x-liandong-signature']).toBe(`signed:${QUERY.length}`);
    } finally {
      await clients.close();
    }
  });

  it("replaces a region's client when its settings change, and drops removed regions", async () => {
    const directory = fixtureDirectory([gz.entry()]);
    const clients = new RegionClients(directory);
    try {
      const before = clients.client(clients.regions()[0]);
      expect(clients.client(clients.regions()[0])).toBe(before);
      directory.list = [gz.entry({ timeoutMs: 5000 })];
      const changed = clients.client(clients.regions()[0]);
      expect(changed).not.toBe(before);
      directory.list = [];
      clients.regions();
      directory.list = [gz.entry({ timeoutMs: 5000 })];
      expect(clients.client(clients.regions()[0])).not.toBe(changed);
    } finally {
      await clients.close();
    }
  });
});
