/**
 * The seeded generator: deterministic bytes, valid and unique national keys, the
 * promised overlap between regions, and GBK-safe text for HB.
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import iconv from 'iconv-lite';
import { afterAll, describe, expect, it } from 'vitest';
import { OFFICER_ID, normaliseIdNumber, normalisePlate } from '../../common/normalise/index.ts';
import { DEMO_OFFICERS } from '../../gateway/auth/dev-key.ts';
import { DEMO_CASE } from '../../gateway/auth/demo-case.ts';
import { liandongId } from './ids.ts';
import { DEMO_CASE_LEAD, planScenarios } from './scenarios.ts';
import { generate } from './generate.ts';
import { REGIONS, identityAt, localIndexOf } from './population.ts';
import * as vocab from './vocab.ts';
import { World } from './world.ts';

const dirs: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'liandong-gen-'));
  dirs.push(dir);
  return dir;
}
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

function digest(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      const path = join(d, name);
      if (statSync(path).isDirectory()) walk(path);
      else out[relative(dir, path)] = createHash('sha256').update(readFileSync(path)).digest('hex');
    }
  };
  walk(dir);
  return out;
}

describe('seeded generator', () => {
  it('writes the same bytes for the same seed, and different data for another seed', async () => {
    const [a, b, c] = [tempDir(), tempDir(), tempDir()];
    await generate({ dataDir: a, personsPerRegion: 300, seed: 42, regions: ['JS', 'HB'] });
    await generate({ dataDir: b, personsPerRegion: 300, seed: 42, regions: ['JS', 'HB'] });
    await generate({ dataDir: c, personsPerRegion: 300, seed: 43, regions: ['JS', 'HB'] });
    const first = digest(a);
    expect(Object.keys(first).sort()).toEqual(expect.arrayContaining(['ground-truth.jsonl', 'scenarios.json', 'js/jiangsu-police.sqlite']));
    expect(digest(b)).toEqual(first);
    expect(digest(c)['ground-truth.jsonl']).not.toBe(first['ground-truth.jsonl']);
  });

  it("issues valid, unique identity numbers with the home region's area codes", () => {
    const world = new World(9, 2000);
    const seen = new Set<string>();
    const persons = new Set<string>();
    for (const region of REGIONS) {
      for (let i = 0; i < 2000; i++) {
        const record = world.personRecord(region, i);
        expect(normaliseIdNumber(record.idNumberAsRecorded)).toBe(record.idNumber);
        seen.add(record.idNumber);
        const identity = identityAt(region, i);
        persons.add(`${identity.cls}:${identity.j}`);
        const home = world.person(identity).home;
        expect(record.idNumber.slice(0, 2)).toBe({ JS: '32', GZ: '52', HB: '42' }[home]);
        if (record.idNumberAsRecorded.length === 15) expect(region).toBe('GZ');
      }
    }
    // One number per real person: as many distinct numbers as distinct persons (shared ones counted once).
    expect(persons.size).toBe(5000);
    expect(seen.size).toBe(persons.size);
  });

  it('issues valid plates, unique within a region, new-energy ones with 8 characters', () => {
    const world = new World(9, 2000);
    for (const region of REGIONS) {
      const plates = new Set<string>();
      for (let v = 0; v < world.sizes.vehicles; v++) {
        const vehicle = world.vehicleRecord(region, v);
        expect(normalisePlate(vehicle.plateAsRecorded)).toBe(vehicle.plate);
        expect(vehicle.plate.length).toBe(vehicle.energy === 'NEW_ENERGY' ? 8 : 7);
        expect(vehicle.vin).toMatch(/^[A-HJ-NPR-Z0-9]{17}$/);
        plates.add(vehicle.plate);
      }
      expect(plates.size).toBe(world.sizes.vehicles);
    }
  });

  it("places ~30% of every region's persons in two or three regions, and suspects' vehicles across regions", () => {
    const world = new World(9, 1000);
    for (const region of REGIONS) {
      const shared = [...Array(1000).keys()].filter((i) => {
        const identity = identityAt(region, i);
        return REGIONS.filter((r) => localIndexOf(r, identity, 1000) !== null).length >= 2;
      });
      expect(shared.length / 1000).toBeCloseTo(0.3, 2);
    }
    let foreignPlates = 0;
    for (let c = 0; c < world.sizes.cases; c++) {
      foreignPlates += world.caseRecord('JS', c).vehiclePlates.filter((p) => !p.startsWith('蘇')).length;
    }
    expect(foreignPlates).toBeGreaterThan(world.sizes.cases * 0.05);
  });

  it('uses only characters GBK can encode, so HB exports hold no replacement characters', () => {
    const text = JSON.stringify(vocab);
    expect(iconv.decode(iconv.encode(text, 'gbk'), 'gbk')).toBe(text);
  });

  it('assigns officers to every case: a lead of the region first, members, and assisting teams often from another region', () => {
    const world = new World(9, 1000);
    let assisted = 0;
    let foreign = 0;
    for (const region of REGIONS) {
      for (let c = 0; c < world.sizes.cases; c++) {
        const officers = world.caseOfficers(region, c);
        expect(officers[0]).toMatchObject({ duty: 'LEAD', team: null });
        expect(officers[0].officerId.startsWith(`${region}-`)).toBe(true);
        expect(new Set(officers.map((o) => o.officerId)).size).toBe(officers.length);
        for (const o of officers) {
          expect(o.officerId).toMatch(OFFICER_ID);
          expect(o.team !== null).toBe(o.duty === 'ASSISTING');
        }
        if (officers.some((o) => o.duty === 'ASSISTING')) assisted++;
        if (officers.some((o) => !o.officerId.startsWith(`${region}-`))) foreign++;
        expect(world.caseOfficers(region, c)).toEqual(officers);
      }
    }
    const cases = 3 * world.sizes.cases;
    expect(assisted / cases).toBeGreaterThan(0.25);
    expect(foreign / cases).toBeGreaterThan(0.1);
  });

  it('has the demo investigator of npm start lead the scenario case, so the demo token unlocks its contact details', () => {
    const world = new World(9, 1000);
    const scenarios = planScenarios(world);
    const investigator = DEMO_OFFICERS.find((o) => o.role === 'investigator')!;
    expect(DEMO_CASE_LEAD).toBe(investigator.sub);
    expect(DEMO_CASE).toEqual({ caseId: scenarios.crossRegionCase.caseId, lead: DEMO_CASE_LEAD });
    expect(liandongId('JS', world.caseRecord('JS', 0).id)).toBe(DEMO_CASE.caseId);
    expect(scenarios.crossRegionCase.officers[0]).toBe(DEMO_CASE_LEAD);
    expect(world.caseOfficers('JS', 0)[0]).toEqual({ officerId: DEMO_CASE_LEAD, duty: 'LEAD', team: null });
    // Every other demo officer is on no case's list for it: the demo shows need-to-know by contrast.
    for (const other of DEMO_OFFICERS.filter((o) => o !== investigator))
      expect(scenarios.crossRegionCase.officers).not.toContain(other.sub);
  });
});
