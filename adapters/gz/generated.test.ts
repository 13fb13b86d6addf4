/**
 * The GZ adapter over the shared generator's GZ data, served by the real stand-in:
 * every record the generator decided on comes back through the adapter as the
 * generator described it (with GZ's own codes as recorded), and every ground-truth
 * GZ person is found by their normalised number, whatever form GZ stored.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PersonRecord, RegionAdapter } from '../adapter.ts';
import { generate } from '../../standins/generator/generate.ts';
import { World } from '../../standins/generator/world.ts';
import { CASE_STATUS_CODES, CASE_TYPE_CODES } from '../../standins/gz/codes.ts';
import { startGzStandin, type GzStandin } from '../../standins/gz/process.ts';
import { createAdapter } from './index.ts';

const PERSONS = 400;
const SEED = 20261129;
const dataDir = mkdtempSync(path.join(tmpdir(), 'liandong-gz-generated-'));
let standin: GzStandin;
let adapter: RegionAdapter;
let world: World;

beforeAll(async () => {
  await generate({ dataDir, personsPerRegion: PERSONS, seed: SEED, regions: ['GZ'] });
  world = new World(SEED, PERSONS);
  standin = await startGzStandin({ dataDir });
  adapter = await createAdapter({ dataDir, settings: { serviceUrl: standin.url } });
});

afterAll(async () => {
  await adapter?.close();
  await standin?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

const range = (n: number) => Array.from({ length: n }, (_, i) => i);

describe('GZ adapter over generated data', () => {
  it('reads back every person, vehicle, case, notice and alert', async () => {
    const persons = range(world.sizes.persons).map((i) => world.personRecord('GZ', i));
    const expectedPersons = persons.map(
      (p): PersonRecord => (p.sex === 'UNKNOWN' ? { ...p, sexCodeAsRecorded: p.sexCodeAsRecorded ?? '9' } : p),
    );
    expect(await adapter.personRecordsById(persons.map((p) => p.id))).toEqual(expectedPersons);

    const vehicles = range(world.sizes.vehicles).map((v) => world.vehicleRecord('GZ', v));
    expect(await adapter.vehicleRecordsById(vehicles.map((v) => v.id))).toEqual(vehicles);

    const cases = range(world.sizes.cases).map((c) => world.caseRecord('GZ', c));
    expect(await adapter.casesById(cases.map((c) => c.id))).toEqual(
      cases.map((c) => ({
        ...c,
        typeCodeAsRecorded: CASE_TYPE_CODES[c.type],
        statusCodeAsRecorded: CASE_STATUS_CODES[c.status],
      })),
    );

    const notices = range(world.sizes.notices).map((k) => world.notice('GZ', k));
    expect(await adapter.wantedNoticesById(notices.map((n) => n.id))).toEqual(notices);
    const alerts = range(world.sizes.alerts).map((k) => world.alert('GZ', k));
    expect(await adapter.vehicleAlertsById(alerts.map((a) => a.id))).toEqual(alerts);
  });

  it('finds every ground-truth GZ person by normalised number, 15-digit records included', async () => {
    const truth = readFileSync(path.join(dataDir, 'ground-truth.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { idNumber: string; records: { region: string; localId: string; idNumberAsRecorded: string }[] })
      .map((entry) => ({ idNumber: entry.idNumber, record: entry.records.find((r) => r.region === 'GZ')! }))
      .filter((entry) => entry.record);
    const found = await adapter.personRecordsByIdNumber(truth.map((t) => t.idNumber));
    const legacy = truth.filter((t) => t.record.idNumberAsRecorded.length === 15).length;
    console.log(`GZ ground truth: ${truth.length} persons, ${legacy} stored with 15 digits`);
    expect(legacy).toBeGreaterThan(0);
    truth.forEach((t, i) => {
      expect(found[i].map((p) => p.id)).toEqual([t.record.localId]);
      expect(found[i][0]).toMatchObject({ idNumber: t.idNumber, idNumberAsRecorded: t.record.idNumberAsRecorded });
    });
  });

  it("finds each case party's involvement by normalised number", async () => {
    const cases = range(world.sizes.cases).map((c) => world.caseRecord('GZ', c));
    const parties = cases.flatMap((c) => c.parties.map((p) => ({ caseId: c.id, ...p })));
    const involvements = await adapter.involvementsByIdNumber(parties.map((p) => p.idNumber));
    parties.forEach((p, i) => expect(involvements[i]).toContainEqual({ caseId: p.caseId, role: p.role }));
  });
});
