/**
 * The entity cache in front of a real regional subgraph (in-process, memory adapter):
 * only what missed reaches the region, hits come back in the planner's order, and two
 * authorisation partitions never share an entry. Counts adapter calls, not gateway
 * reports.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pino from 'pino';
import { newReport, type GatewayContext } from '../../gateway/context.ts';
import { ConfigPath } from '../../gateway/config/check.ts';
import { cacheSection } from '../../gateway/cache/config.ts';
import { createGatewayCache, type GatewayCache } from '../../gateway/cache/index.ts';
import { RegionClients } from '../../gateway/federation/data-sources/region-clients.ts';
import { RegionFetcher } from '../../gateway/federation/data-sources/region-fetch.ts';
import type { RegionEntry } from '../../gateway/federation/data-sources/types.ts';
import { JS_REGION, smallRegion } from '../../subgraphs/testing/fixtures.ts';
import { startTestSubgraph, type TestSubgraph } from '../../subgraphs/testing/harness.ts';
import { createMemoryAdapter, type MemoryAdapter } from '../../subgraphs/testing/memory-adapter.ts';

const ENTITIES = `query Records($representations: [_Any!]!) {
  _entities(representations: $representations) { ... on PersonRecord { id name } }
}`;
const ENTITIES_WITH_PHONE = `query Records($representations: [_Any!]!) {
  _entities(representations: $representations) { ... on PersonRecord { id name phone } }
}`;

let adapter: MemoryAdapter;
let subgraph: TestSubgraph;
let cache: GatewayCache;
let fetcher: RegionFetcher;
let region: RegionEntry;

beforeAll(async () => {
  adapter = createMemoryAdapter(JS_REGION, smallRegion());
  subgraph = await startTestSubgraph({ adapter });
  region = {
    code: 'JS',
    name: JS_REGION.name,
    timeoutMs: 2000,
    maxConcurrency: 4,
    endpoints: { records: `${subgraph.url}/records`, index: `${subgraph.url}/index`, search: `${subgraph.url}/search` },
  };
  const config = cacheSection.validate({}, new ConfigPath('test.json').key('cache'), { mode: 'development', env: {}, dir: '.' });
  cache = createGatewayCache(config, pino({ level: 'silent' }));
  fetcher = new RegionFetcher(new RegionClients({ regions: () => [region] }), 'records', 'records', { cache: cache.requests });
});

afterAll(async () => {
  await cache?.close();
  await subgraph?.close();
});

function context(partition: string): GatewayContext {
  return { authorisationPartition: partition, report: newReport() } as GatewayContext;
}

async function fetchRecords(ids: string[], partition: string, query = ENTITIES) {
  const ctx = context(partition);
  const representations = ids.map((id) => ({ __typename: 'PersonRecord', id: `JS:${id}` }));
  const [answer] = await fetcher.ask([region], new Map([['JS', { query, variables: { representations } }]]), ctx);
  return { answer, report: ctx.report };
}

const lookedUp = () => adapter.callsTo('personRecordsById').flatMap((c) => c.keys);

describe('splicing', () => {
  it("sends only the representations that missed and answers in the planner's order", async () => {
    await fetchRecords(['P-1', 'P-9'], 'officers-a');
    adapter.calls.length = 0;
    const { answer, report } = await fetchRecords(['P-2', 'P-1', 'P-9'], 'officers-a');
    expect(lookedUp()).toEqual(['P-2']);
    expect(answer.answer?.data?._entities).toEqual([{ id: 'JS:P-2', name: '李娜' }, { id: 'JS:P-1', name: '張偉' }, null]);
    expect(answer.fromCache).toBeUndefined();
    expect(report.cache).toEqual({ hits: 2, misses: 1 });
  });

  it('marks an answer given wholly from the cache', async () => {
    adapter.calls.length = 0;
    const { answer } = await fetchRecords(['P-1', 'P-2'], 'officers-a');
    expect(lookedUp()).toEqual([]);
    expect(answer.fromCache).toBe(true);
  });
});

describe('partitions and selections', () => {
  it('never serves one partition the entries of another', async () => {
    await fetchRecords(['P-1'], 'officers-b');
    adapter.calls.length = 0;
    await fetchRecords(['P-1'], 'officers-c');
    expect(lookedUp()).toEqual(['P-1']);
  });

  it('keeps a different selection apart', async () => {
    adapter.calls.length = 0;
    const { answer } = await fetchRecords(['P-1'], 'officers-a', ENTITIES_WITH_PHONE);
    expect(lookedUp()).toEqual(['P-1']);
    expect(answer.answer?.data?._entities).toEqual([{ id: 'JS:P-1', name: '張偉', phone: '13900000001' }]);
  });

  it('does not cache for a context without a partition', async () => {
    await fetchRecords(['P-2'], '');
    adapter.calls.length = 0;
    await fetchRecords(['P-2'], '');
    expect(lookedUp()).toEqual(['P-2']);
  });
});
