/**
 * The entity cache over the whole system (real processes, memory store): repeated
 * queries stay at the gateway, different selections and permissions get their own
 * entries, and changes in GZ (through its stand-in) and HB (a newer export) are
 * visible through the gateway once their change events arrive (the time taken is printed).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { generate } from '../../standins/generator/generate.ts';
import { republishHbExport } from '../../standins/hb/republish.ts';
import { JS_DB_PATH } from '../../standins/js/schema.ts';
import { seedData, startSystem, type System } from '../support/system.ts';
import {
  PERSON_NAMES,
  PERSON_NAMES_AND_BIRTH,
  RECORD_NAME,
  postJson,
  regionRequests,
  settled,
  statuses,
  totalRequests,
  within,
  CHANGE_VISIBLE_WITHIN_MS,
} from './support.ts';

let system: System;
let dataDir: string;

beforeAll(async () => {
  dataDir = await seedData();
  system = await startSystem({ dataDir, gatewayConfig: { cache: { heartbeatTimeoutMs: 1500 } } });
  await settled(system);
});

afterAll(async () => {
  await system?.stop();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

describe('repeated queries', () => {
  it('answers a repeated person lookup without asking any region again', async () => {
    const { idNumber } = system.scenarios.personInAllRegions;
    const first = await system.query(PERSON_NAMES, { id: idNumber });
    expect(first.errors).toBeUndefined();
    expect(first.data.person.records).toHaveLength(3);
    system.resetCounts();
    const again = await system.query(PERSON_NAMES, { id: idNumber });
    expect(again.data).toEqual(first.data);
    expect(totalRequests(system)).toBe(0);
    expect(new Set(statuses(again))).toEqual(new Set(['cached']));
  });

  it('counts hits and misses on /metrics', async () => {
    const id = system.scenarios.personInAllRegions.recordIds.HB;
    await system.query(RECORD_NAME, { id });
    await system.query(RECORD_NAME, { id });
    const text = await (await fetch(new URL('/metrics', system.gatewayUrl))).text();
    const hits = [...text.matchAll(/^liandong_cache_hits_total\{type="(\w+)"\} (\d+)/gm)];
    expect(hits.map((m) => m[1])).toEqual(expect.arrayContaining(['Person', 'PersonRecord']));
    // The repeats were whole answers from the response cache.
    expect(text).toMatch(/^liandong_cache_responses_total\{outcome="hit"\} [1-9]/m);
    expect(text).toMatch(/^liandong_cache_responses_total\{outcome="miss-stored"\} [1-9]/m);
    expect(text).toMatch(/^liandong_cache_misses_total\{type="PersonRecord"\} [1-9]/m);
  });

  it('keeps a different selection in its own entries', async () => {
    const { idNumber } = system.scenarios.personInAllRegions;
    await system.query(PERSON_NAMES, { id: idNumber });
    system.resetCounts();
    const wider = await system.query(PERSON_NAMES_AND_BIRTH, { id: idNumber });
    expect(wider.data.person.records.every((r: { birthDate?: string }) => typeof r.birthDate === 'string')).toBe(true);
    // A new selection: every region is asked (the index part serves the records' plain fields).
    expect(Object.values(regionRequests(system)).every((n) => n >= 1)).toBe(true);
    expect(system.regions.JS.proxy.counts()['/records'] ?? 0).toBe(0);
    // Both selections stay cached side by side.
    system.resetCounts();
    await system.query(PERSON_NAMES, { id: idNumber });
    await system.query(PERSON_NAMES_AND_BIRTH, { id: idNumber });
    expect(totalRequests(system)).toBe(0);
  });
});

describe('whole answers', () => {
  it('are never kept for a search: every search asks the regions again', async () => {
    const SEARCH = `query S($name: String!) { searchPersons(filter: { name: $name }, first: 5) { edges { node { idNumber } } } }`;
    const name = `${system.scenarios.personInAllRegions.name.slice(0, 1)}*`;
    await system.query(SEARCH, { name });
    system.resetCounts();
    const again = await system.query(SEARCH, { name });
    expect(again.errors).toBeUndefined();
    expect(Object.values(regionRequests(system)).every((n) => n >= 1)).toBe(true);
    expect(system.regions.JS.proxy.counts()['/search'] ?? 0).toBeGreaterThan(0);
  });
});

describe('permissions', () => {
  const CONTACT = `query Contact($id: ID!) { personRecord(id: $id) { id name address } }`;
  // The case's lead: need-to-know grants contact details only to officers assigned to the case.
  const investigator = (caseId: string) => ({
    roles: ['investigator'],
    region: 'JS',
    sub: system.scenarios.crossRegionCase.officers[0],
    purpose: `investigation; case=${caseId}`,
  });
  const patrol = { roles: ['patrol-officer'], region: 'JS' };

  it('never gives a patrol officer the address cached for an investigator', async () => {
    const { scenarios } = system;
    const id = scenarios.personInAllRegions.recordIds.JS;
    const high = await system.query(CONTACT, { id }, investigator(scenarios.crossRegionCase.caseId));
    expect(typeof high.data.personRecord.address).toBe('string');
    system.resetCounts();
    const low = await system.query(CONTACT, { id }, patrol);
    expect(low.data.personRecord.address).toBeNull();
    expect(low.errors?.some((e) => e.extensions?.code === 'FORBIDDEN')).toBe(true);
  });

  it('never gives an investigator the answer cached for a patrol officer (and asks the region again)', async () => {
    const { scenarios } = system;
    const id = scenarios.wantedInHb.jsRecordId;
    const low = await system.query(CONTACT, { id }, patrol);
    expect(low.data.personRecord.address).toBeNull();
    system.resetCounts();
    const high = await system.query(CONTACT, { id }, investigator(scenarios.crossRegionCase.caseId));
    expect(typeof high.data.personRecord.address).toBe('string');
    expect(regionRequests(system).JS).toBeGreaterThan(0);
  });

  it('keeps officers with the same permissions on shared entries', async () => {
    const id = system.scenarios.personInAllRegions.recordIds.GZ;
    await system.query(RECORD_NAME, { id }, { roles: ['analyst'], region: 'GZ', purpose: 'analysis' });
    system.resetCounts();
    await system.query(RECORD_NAME, { id }, { roles: ['analyst'], region: 'GZ', purpose: 'analysis' });
    expect(totalRequests(system)).toBe(0);
  });
});

describe('wanted status', () => {
  const WANTED = `query Wanted($id: String!) { person(idNumber: $id) { idNumber wanted wantedNotices { id status } } }`;
  const NAMES = `query Names($id: String!) { person(idNumber: $id) { idNumber records { id name } } }`;

  it("is cached while the regions' change streams are live, and bypasses the cache for a region whose stream went quiet", async () => {
    const { idNumber } = system.scenarios.wantedInHb;
    const first = await system.query(WANTED, { id: idNumber });
    expect(first.data.person.wanted).toBe(true);
    await system.query(NAMES, { id: idNumber });
    system.resetCounts();
    await system.query(WANTED, { id: idNumber });
    expect(totalRequests(system)).toBe(0);

    // GZ's system goes away: its subgraph can no longer read GZ's change feed, so its heartbeats stop.
    await system.standins.GZ.stop();
    try {
      const bypassed = await within(10_000, async () => {
        system.resetCounts();
        await system.query(WANTED, { id: idNumber });
        return regionRequests(system).GZ > 0;
      });
      expect(bypassed, 'the wanted fetch kept being served from cache for GZ').not.toBeNull();
      expect(regionRequests(system).JS).toBe(0);
      // Fields that say nothing about wanted status are still served from cache. (GZ, which
      // does not hold the person, was skipped by its membership filter while its stream was
      // live and so has nothing cached; with the stream quiet its filter no longer vouches,
      // and it is asked.)
      system.resetCounts();
      await system.query(NAMES, { id: idNumber });
      expect(regionRequests(system).JS + regionRequests(system).HB).toBe(0);
    } finally {
      await system.standins.GZ.start();
    }
  });
});

describe('freshness', () => {
  it('shows a change made in GZ within a second', async () => {
    const id = system.scenarios.personInAllRegions.recordIds.GZ;
    const before = await system.query(RECORD_NAME, { id });
    await system.query(RECORD_NAME, { id });
    const renamed = `${before.data.personRecord.name}改`;
    await postJson(`${system.standins.GZ.url}/admin/update`, { bm: 'renkou', jlbh: id.slice('GZ:'.length), sz: { xm: renamed } });
    const took = await within(
      CHANGE_VISIBLE_WITHIN_MS,
      async () => (await system.query(RECORD_NAME, { id })).data.personRecord.name === renamed,
    );
    expect(took, 'the new GZ name was not served in time').not.toBeNull();
    console.info(`GZ change visible through the gateway after ${Math.round(took!)} ms`);
  });

  it('shows a newer HB export within a second', async () => {
    const id = system.scenarios.personInAllRegions.recordIds.HB;
    const local = id.slice('HB:'.length);
    const before = await system.query(RECORD_NAME, { id });
    await system.query(RECORD_NAME, { id });
    const renamed = `${before.data.personRecord.name}新`;
    await republishHbExport(dataDir, new Date(), (entity, row) =>
      entity === 'persons' && row[0] === local ? [row[0], row[1], renamed, ...row.slice(3)] : row,
    );
    const took = await within(
      CHANGE_VISIBLE_WITHIN_MS,
      async () => (await system.query(RECORD_NAME, { id })).data.personRecord.name === renamed,
    );
    expect(took, 'the new HB name was not served in time').not.toBeNull();
    console.info(`HB export visible through the gateway after ${Math.round(took!)} ms`);
  });

  // Last: it replaces the JS data the other tests read.
  it("follows a JS re-seed: what was cached from the old database goes, and the new one's first change is seen", async () => {
    const id = system.scenarios.personInAllRegions.recordIds.JS;
    const before = await system.query(RECORD_NAME, { id });
    await system.query(RECORD_NAME, { id });
    // `npm run seed` renames a new database file over the old one; its change log numbers from 1 again.
    await generate({ dataDir, personsPerRegion: 200, seed: 4242, regions: ['JS'] });
    const reseeded = await within(
      1000,
      async () => (await system.query(RECORD_NAME, { id })).data?.personRecord?.name !== before.data.personRecord.name,
    );
    expect(reseeded, 'the gateway went on serving the JS record cached from the replaced database').not.toBeNull();
    await system.query(RECORD_NAME, { id });
    const db = new Database(join(dataDir, JS_DB_PATH));
    try {
      db.prepare("UPDATE t_person SET full_name = '重新播種' WHERE person_id = ?").run(id.slice('JS:'.length));
    } finally {
      db.close();
    }
    const took = await within(
      CHANGE_VISIBLE_WITHIN_MS,
      async () => (await system.query(RECORD_NAME, { id })).data.personRecord.name === '重新播種',
    );
    expect(took, 'the first change in the re-seeded JS database was missed').not.toBeNull();
  });
});
