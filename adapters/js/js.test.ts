/**
 * JS-specific behaviour over a real generated JS database: its code tables map to the
 * contract or surface unknown codes, the trigger-filled change log feeds change events
 * with the keys they touch, and a missing database is a typed error.
 */
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AdapterError, type RegionAdapter } from '../adapter.ts';
import { generate } from '../../standins/generator/generate.ts';
import { planScenarios } from '../../standins/generator/scenarios.ts';
import { World } from '../../standins/generator/world.ts';
import { createAdapter } from './index.ts';

describe('JS adapter over the JS database', () => {
  let dataDir: string;
  let adapter: RegionAdapter;
  let system: Database.Database; // the JS system's own connection, as its clerks would use

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'liandong-js-'));
    await generate({ dataDir, personsPerRegion: 400, seed: 5, regions: ['JS'] });
    adapter = await createAdapter({ dataDir, settings: { changePollMs: 50 } });
    system = new Database(join(dataDir, 'js/jiangsu-police.sqlite'));
  });
  afterAll(async () => {
    system?.close();
    await adapter?.close();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it('reads back the officers assigned to each case, police numbers JS writes without the hyphen normalised', async () => {
    const world = new World(5, 400);
    planScenarios(world);
    const cases = Array.from({ length: world.sizes.cases }, (_, c) => world.caseRecord('JS', c).id);
    const expected = cases.map((_, c) => world.caseOfficers('JS', c));
    expect(await adapter.caseOfficersById(cases)).toEqual(expected);
    const stored = system.prepare('SELECT police_no FROM t_case_officer WHERE case_id = ? ORDER BY seq').pluck().all(cases[0]);
    expect(stored[0]).toBe('JS0310552');
    expect(expected[0][0].officerId).toBe('JS-0310552');
  });

  it('maps code tables, and surfaces codes the contract does not know', async () => {
    system.prepare("UPDATE t_case SET case_type_code = '0999', status_code = '50' WHERE case_id = (SELECT min(case_id) FROM t_case)").run();
    system.prepare("UPDATE t_person SET gender_code = '9' WHERE person_id = 'P00000002'").run();
    const { case_id: caseId } = system.prepare('SELECT min(case_id) AS case_id FROM t_case').get() as { case_id: string };
    const [c] = await adapter.casesById([caseId]);
    expect(c).toMatchObject({ type: 'OTHER', typeCodeAsRecorded: '0999', status: 'UNKNOWN', statusCodeAsRecorded: '50' });
    expect((await adapter.searchCases({ type: 'OTHER', status: 'UNKNOWN' }, { first: 100 })).items.map((x) => x.id)).toContain(caseId);
    const [p] = await adapter.personRecordsById(['P00000002']);
    expect(p).toMatchObject({ sex: 'UNKNOWN', sexCodeAsRecorded: '9' });
    expect((await adapter.searchPersons({ sex: 'UNKNOWN' }, { first: 100 })).items.map((x) => x.id)).toContain('P00000002');
    const theft = (await adapter.searchCases({ type: 'THEFT' }, { first: 100 })).items;
    expect(theft.length).toBeGreaterThan(0);
    expect(theft.every((x) => x.typeCodeAsRecorded === '0301')).toBe(true);
  });

  it('reports a new case party with the keys of the whole case', async () => {
    const { position } = await adapter.changes.changesSince(null);
    const [c] = (await adapter.searchCases({}, { first: 1 })).items;
    system.prepare("INSERT INTO t_case_party VALUES (?, 99, 'W', '320102199001011232', '證人甲')").run(c.id);
    const { changes, position: next } = await adapter.changes.changesSince(position);
    expect(changes).toHaveLength(1);
    expect(changes[0]).toMatchObject({ region: 'JS', type: 'Case', id: c.id });
    expect(changes[0].idNumbers).toEqual(expect.arrayContaining(['320102199001011232', ...c.parties.map((x) => x.idNumber)]));
    expect(changes[0].plates).toEqual(expect.arrayContaining(c.vehiclePlates));
    expect((await adapter.changes.changesSince(next)).changes).toEqual([]);
  });

  it('pushes changes to subscribers', async () => {
    const received: string[] = [];
    const unsubscribe = adapter.changes.subscribe!((event) => received.push(`${event.type}:${event.id}`));
    try {
      system.prepare("UPDATE t_vehicle SET body_color = '紫色' WHERE vehicle_id = 'V00000003'").run();
      for (let i = 0; i < 100 && received.length === 0; i++) await new Promise((r) => setTimeout(r, 20));
      expect(received).toEqual(['VehicleRecord:V00000003']);
    } finally {
      unsubscribe();
    }
  });

  it('cannot be used to write to the JS system', async () => {
    // The adapter's connection is query-only; even a hostile key cannot change data.
    await adapter.personRecordsById(["x'); UPDATE t_person SET full_name = 'pwned'; --"]);
    expect((system.prepare("SELECT count(*) AS n FROM t_person WHERE full_name = 'pwned'").get() as { n: number }).n).toBe(0);
  });

  it('fails to open a missing database with a typed UNAVAILABLE error', async () => {
    const error = await createAdapter({ dataDir: join(dataDir, 'nowhere'), settings: {} }).then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(AdapterError);
    expect((error as AdapterError).kind).toBe('UNAVAILABLE');
    expect((error as AdapterError).message).toContain('nowhere');
  });

  it('follows a re-seed: the old position is answered with resync and lookups read the new file', async () => {
    const { position } = await adapter.changes.changesSince(null);
    const before = (await adapter.personRecordsById(['P00000003']))[0];
    // A re-seed with another seed renames a new file over the database, as `npm run seed` does.
    await generate({ dataDir, personsPerRegion: 50, seed: 6, regions: ['JS'] });
    const answer = await adapter.changes.changesSince(position);
    expect(answer).toMatchObject({ changes: [], resync: true });
    expect(answer.position).not.toBe(position);
    const after = (await adapter.personRecordsById(['P00000003']))[0];
    expect(after?.name).not.toBe(before?.name);
    expect((await adapter.searchPersons({ bornFrom: '1900-01-01' }, { first: 100 })).totalCount).toBeLessThanOrEqual(50);
    // From the new position on, the new file's changes are listed, the first one included.
    const fresh = new Database(join(dataDir, 'js/jiangsu-police.sqlite'));
    try {
      fresh.prepare("UPDATE t_person SET full_name = '新名' WHERE person_id = 'P00000003'").run();
    } finally {
      fresh.close();
    }
    const next = await adapter.changes.changesSince(answer.position);
    expect(next.resync).toBeUndefined();
    expect(next.changes.map((c) => c.id)).toEqual(['P00000003']);
    system.close();
    system = new Database(join(dataDir, 'js/jiangsu-police.sqlite'));
  });

  it('answers a position ahead of the log (a database restored from an older copy) with resync', async () => {
    const { position } = await adapter.changes.changesSince(null);
    const [epoch, seq] = position.split(':');
    expect(await adapter.changes.changesSince(`${epoch}:${Number(seq) + 1000}`)).toMatchObject({ changes: [], resync: true });
    await expect(adapter.changes.changesSince(seq)).rejects.toMatchObject({ kind: 'BAD_INPUT' });
  });
});
