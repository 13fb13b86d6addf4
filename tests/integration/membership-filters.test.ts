/**
 * Membership filters over real processes: the GZ stand-in, the three regional subgraphs
 * (each publishing its signed filter at GET /filter) and the gateway, on the generator's
 * data. Which regions were asked is seen on the wire (the counting proxies), not only in
 * the gateway's own report. Ground truth — which region holds which key — comes from the
 * regions' adapters opened here on the same data.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { loadAdapter } from '../../adapters/load.ts';
import { normaliseIdNumber } from '../../common/normalise/index.ts';
import { within } from '../cache/support.ts';
import { addJsPerson, issueJsNotice, liveGauge, sseSubscribe, waitFor } from '../support/live.ts';
import { redisAvailable, redisMissingMessage, startRedis, type RedisHandle } from '../support/redis.ts';
import { REGION_CODES, seedData, startSystem, type GraphQLResponse, type RegionCode, type System } from '../support/system.ts';

const PERSON = `query Person($id: String!) { person(idNumber: $id) { idNumber records { id region name } } }`;
const NOT_IN_FILTER = 'membership filter: the region does not hold the key';

/** The identity numbers each region holds, read through its own adapter. */
async function heldIdNumbers(dataDir: string, gzUrl: string): Promise<Record<RegionCode, Set<string>>> {
  const held = {} as Record<RegionCode, Set<string>>;
  for (const code of REGION_CODES) {
    const adapter = await loadAdapter(code, { dataDir, settings: code === 'GZ' ? { serviceUrl: gzUrl } : {} });
    held[code] = new Set();
    for await (const batch of adapter.heldKeys()) for (const key of batch.idNumbers) held[code].add(key);
    await adapter.close();
  }
  return held;
}

function outcomes(response: GraphQLResponse): Record<string, { status: string; message?: string }> {
  return Object.fromEntries((response.extensions?.regions ?? []).filter((r: any) => r.subgraph === 'index').map((r: any) => [r.region, r]));
}

function indexRequests(system: System): Record<RegionCode, number> {
  return Object.fromEntries(REGION_CODES.map((code) => [code, system.regions[code].proxy.counts()['/index'] ?? 0])) as Record<
    RegionCode,
    number
  >;
}

async function metric(system: System, name: string, region: string): Promise<number | null> {
  const text = await (await fetch(new URL('/metrics', system.gatewayUrl))).text();
  const line = text.split('\n').find((l) => l.startsWith(`${name}{`) && l.includes(`region="${region}"`));
  return line ? Number(line.split(' ').pop()) : null;
}

/** Waits until the gateway trusts each named region's filter (its stream said hello and the filter verified). */
async function trusted(system: System, regions: readonly RegionCode[]): Promise<void> {
  const took = await within(30_000, async () => {
    for (const code of regions) if ((await metric(system, 'liandong_filter_trusted', code)) !== 1) return false;
    return true;
  });
  expect(took, `filters of ${regions.join(', ')} never became trusted`).not.toBeNull();
}

/** A valid identity number no region holds (a 15-digit legacy number made 18-digit). */
function unheld(held: Record<RegionCode, Set<string>>, from: number): string {
  for (let seq = from; ; seq++) {
    const key = normaliseIdNumber(`320102900101${String(seq).padStart(3, '0')}`);
    if (!REGION_CODES.some((code) => held[code].has(key))) return key;
  }
}

function auditRecord(system: System, auditId: string): any {
  const dir = join(system.configDir, 'audit');
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.jsonl'))) {
    const line = readFileSync(join(dir, file), 'utf8')
      .split('\n')
      .find((l) => l.includes(auditId));
    if (line) return JSON.parse(line);
  }
  return null;
}

describe('membership filters, every region publishing', () => {
  let system: System;
  let dataDir: string;
  let held: Record<RegionCode, Set<string>>;

  beforeAll(async () => {
    dataDir = await seedData();
    // No entity cache: which regions are asked is watched on the wire.
    system = await startSystem({ dataDir, gatewayConfig: { cache: { enabled: false } } });
    held = await heldIdNumbers(dataDir, system.standins.GZ.url);
    await trusted(system, REGION_CODES);
  });
  afterAll(async () => {
    await system?.stop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it('asks only JS for a person only JS holds, and says so in extensions.regions and the audit record', async () => {
    const idNumber = [...held.JS].find((key) => !held.GZ.has(key) && !held.HB.has(key));
    expect(idNumber, 'the generator gave JS no person of its own').toBeDefined();
    system.resetCounts();
    const response = await system.query(PERSON, { id: idNumber });
    expect(response.errors).toBeUndefined();
    expect(response.data.person.idNumber).toBe(idNumber);
    expect(indexRequests(system)).toEqual({ JS: 1, GZ: 0, HB: 0 });
    const report = outcomes(response);
    expect(report.JS.status).toBe('hit');
    expect(report.GZ).toMatchObject({ status: 'skipped', message: NOT_IN_FILTER });
    expect(report.HB).toMatchObject({ status: 'skipped', message: NOT_IN_FILTER });
    const record = auditRecord(system, response.extensions?.auditId);
    expect(record.regions).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ region: 'GZ', subgraph: 'index', status: 'skipped', reason: NOT_IN_FILTER }),
        expect.objectContaining({ region: 'JS', subgraph: 'index', status: 'hit' }),
      ]),
    );
    expect(await metric(system, 'liandong_filter_skips_total', 'GZ')).toBeGreaterThanOrEqual(1);
  });

  it('still asks every region holding a person held in all three', async () => {
    const { idNumber } = system.scenarios.personInAllRegions;
    system.resetCounts();
    const response = await system.query(PERSON, { id: idNumber });
    expect(response.data.person.records.map((r: any) => r.region).sort()).toEqual(['GZ', 'HB', 'JS']);
    expect(indexRequests(system)).toEqual({ JS: 1, GZ: 1, HB: 1 });
  });

  it('answers null for a key no region holds, asking no region (barring a false positive of the filters)', async () => {
    const idNumber = unheld(held, 1);
    system.resetCounts();
    const response = await system.query(PERSON, { id: idNumber });
    expect(response.errors).toBeUndefined();
    expect(response.data.person).toBeNull();
    const asked = REGION_CODES.filter((code) => outcomes(response)[code].status !== 'skipped');
    // The filters are deterministic over the seeded data: a region asked here is one whose filter said "maybe".
    for (const code of asked) expect(outcomes(response)[code].status).toBe('miss');
    expect(REGION_CODES.filter((code) => indexRequests(system)[code] > 0)).toEqual(asked);
  });

  it('finds a person added to JS after its filter was built: the change stream adds the key to the gateway’s copy', async () => {
    const idNumber = unheld(held, 500);
    const before = await system.query(PERSON, { id: idNumber });
    expect(before.data.person).toBeNull();
    addJsPerson(dataDir, 'P-FILTER-1', idNumber);
    // Within the change stream's delivery (the region polls its system every 200 ms).
    const found = await within(10_000, async () => (await system.query(PERSON, { id: idNumber })).data?.person !== null);
    expect(found, 'the new JS person was never found').not.toBeNull();
    system.resetCounts();
    const after = await system.query(PERSON, { id: idNumber });
    expect(after.data.person.records).toEqual([{ id: 'JS:P-FILTER-1', region: 'JS', name: '過濾測試' }]);
    expect(outcomes(after).JS.status).toBe('hit');
    expect(await metric(system, 'liandong_filter_trusted', 'JS')).toBe(1);
  });

  it('restarts JS from its saved filter after a crash, caught up with a person added while it was down', async () => {
    // kill -9: no save at shutdown, so the filter comes from the snapshot saved when it was built.
    await system.regions.JS.kill();
    expect(await within(10_000, async () => (await metric(system, 'liandong_filter_trusted', 'JS')) === 0)).not.toBeNull();
    const idNumber = unheld(held, 600);
    addJsPerson(dataDir, 'P-FILTER-DOWN', idNumber);
    await system.regions.JS.start();
    await trusted(system, ['JS']);
    const output = system.regions.JS.current()!.output();
    expect(output).toMatch(/membership filter restored from its snapshot/);
    expect(output).not.toMatch(/membership filter built/);
    system.resetCounts();
    const response = await system.query(PERSON, { id: idNumber });
    // JS's new filter holds the key (asked, hit); the others' filters rule it out.
    expect(response.data.person.records).toEqual([{ id: 'JS:P-FILTER-DOWN', region: 'JS', name: '過濾測試' }]);
    expect(outcomes(response).JS.status).toBe('hit');
  });
});

describe('membership filters that cannot be used', () => {
  let system: System;
  let dataDir: string;
  let held: Record<RegionCode, Set<string>>;

  beforeAll(async () => {
    dataDir = await seedData();
    // GZ's filter arrives with its bits changed after signing; HB publishes none (an older subgraph).
    system = await startSystem({ dataDir, gatewayConfig: { cache: { enabled: false } }, filterAnswers: { GZ: 'tampered', HB: 'missing' } });
    held = await heldIdNumbers(dataDir, system.standins.GZ.url);
    await trusted(system, ['JS']);
    // Both were fetched at least once, and refused.
    const refused = await within(
      10_000,
      async () => system.regions.GZ.proxy.filterFetches() > 0 && system.regions.HB.proxy.filterFetches() > 0,
    );
    expect(refused).not.toBeNull();
  });
  afterAll(async () => {
    await system?.stop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it('asks a region whose filter does not verify, and one without a filter, for every key', async () => {
    const idNumber = [...held.JS].find((key) => !held.GZ.has(key) && !held.HB.has(key));
    system.resetCounts();
    const response = await system.query(PERSON, { id: idNumber });
    expect(response.data.person.idNumber).toBe(idNumber);
    expect(indexRequests(system)).toEqual({ JS: 1, GZ: 1, HB: 1 });
    expect(outcomes(response).GZ.status).toBe('miss');
    expect(outcomes(response).HB.status).toBe('miss');
    expect(await metric(system, 'liandong_filter_trusted', 'GZ')).toBe(0);
    expect(await metric(system, 'liandong_filter_trusted', 'HB')).toBe(0);
    expect(system.gatewayOutput()).toMatch(/"outcome":"unverifiable"[^\n]*signature does not verify/);
  });

  it('skips a trusted region for a key it does not hold while asking the untrusted ones', async () => {
    const idNumber = [...held.HB].find((key) => !held.JS.has(key));
    system.resetCounts();
    const response = await system.query(PERSON, { id: idNumber });
    expect(response.data.person.records.some((r: any) => r.region === 'HB')).toBe(true);
    expect(outcomes(response).JS).toMatchObject({ status: 'skipped', message: NOT_IN_FILTER });
    expect(indexRequests(system).JS).toBe(0);
  });
});

/**
 * The gateway follows each region's change stream once: the cache's invalidator, the
 * subscriptions' hub and the membership filters all listen to that one follower, which
 * tells each of them where the stream stands.
 */
describe('one change stream per region per gateway, with cache, subscriptions and filters all on', () => {
  let system: System;
  let dataDir: string;
  let held: Record<RegionCode, Set<string>>;

  beforeAll(async () => {
    dataDir = await seedData();
    system = await startSystem({ dataDir }); // cache, live and filters on, as by default
    held = await heldIdNumbers(dataDir, system.standins.GZ.url);
    await trusted(system, REGION_CODES);
  });
  afterAll(async () => {
    await system?.stop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it('holds one connection to each region’s /changes, and a change on it reaches the cache, a subscriber and the filter', async () => {
    const idNumber = unheld(held, 700);
    const watch = await sseSubscribe(
      system.gatewayUrl,
      'subscription W($ids: [String!]) { watch(idNumbers: $ids) { kind region recordType idNumber } }',
      { ids: [idNumber] },
      { as: { roles: ['patrol-officer'], region: 'JS' }, keysDir: system.keysDir },
    );
    try {
      await waitFor(async () => (await liveGauge(system.gatewayUrl)) >= 1);
      // Cached as "nobody" (the entity cache is on): only the change stream can evict it.
      expect((await system.query(PERSON, { id: idNumber })).data.person).toBeNull();
      for (const code of REGION_CODES) {
        expect(system.regions[code].proxy.openStreams(), `open change streams to ${code}`).toBe(1);
        expect(system.regions[code].proxy.counts()['/changes'], `connections ever made to ${code}/changes`).toBe(1);
      }
      addJsPerson(dataDir, 'P-ONE-STREAM', idNumber);
      issueJsNotice(dataDir, 'W-ONE-STREAM', idNumber);
      const pushed = await watch.next((r) => r.data?.watch?.recordType === 'WantedNotice', 15_000);
      expect(pushed.data.watch).toMatchObject({ region: 'JS', idNumber });
      const found = await within(10_000, async () => (await system.query(PERSON, { id: idNumber })).data?.person !== null);
      expect(found, 'the new JS person was never found (cache not evicted, or JS skipped by a stale filter)').not.toBeNull();
      expect(await metric(system, 'liandong_filter_trusted', 'JS')).toBe(1);
      for (const code of REGION_CODES) expect(system.regions[code].proxy.openStreams(), `open change streams to ${code}`).toBe(1);
    } finally {
      watch.close();
    }
  });
});

const hasRedis = redisAvailable();
if (!hasRedis) console.warn(redisMissingMessage);

/**
 * With the change streams on Redis pub/sub there is no hello: the follower's run starts at
 * the first message after subscribing (its seq minus one), and a filter copy must cover
 * that point. The filters then work as on SSE, and no SSE stream is opened at all.
 */
describe.skipIf(!hasRedis)('membership filters on Redis change streams', () => {
  let system: System;
  let dataDir: string;
  let redis: RedisHandle | null;
  let held: Record<RegionCode, Set<string>>;

  beforeAll(async () => {
    redis = await startRedis();
    dataDir = await seedData();
    system = await startSystem({
      dataDir,
      subgraphEnv: { REDIS_URL: redis!.url },
      gatewayConfig: { cache: { enabled: false, redisUrl: redis!.url, changes: 'redis' } },
    });
    held = await heldIdNumbers(dataDir, system.standins.GZ.url);
    await trusted(system, REGION_CODES);
  });
  afterAll(async () => {
    await system?.stop();
    await redis?.stop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it('trusts the filters from the Redis stream’s positions, opens no SSE stream, and adds a new change’s keys', async () => {
    for (const code of REGION_CODES) expect(system.regions[code].proxy.counts()['/changes'] ?? 0).toBe(0);
    const onlyJs = [...held.JS].find((key) => !held.GZ.has(key) && !held.HB.has(key));
    system.resetCounts();
    const response = await system.query(PERSON, { id: onlyJs });
    expect(response.data.person.idNumber).toBe(onlyJs);
    expect(indexRequests(system)).toEqual({ JS: 1, GZ: 0, HB: 0 });

    const idNumber = unheld(held, 900);
    expect((await system.query(PERSON, { id: idNumber })).data.person).toBeNull();
    addJsPerson(dataDir, 'P-REDIS-FILTER', idNumber);
    const found = await within(10_000, async () => (await system.query(PERSON, { id: idNumber })).data?.person !== null);
    expect(found, 'the new JS person was never found over the Redis stream').not.toBeNull();
    expect(await metric(system, 'liandong_filter_trusted', 'JS')).toBe(1);
  });
});
