/**
 * The GZ adapter against the real GZ stand-in process over HTTP, on sample data
 * written by the GZ writer: round trips, 15-digit numbers, code tables, paging, change
 * feed, bad input.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AdapterError, type RegionAdapter } from '../adapter.ts';
import { CASE_STATUS_CODES, CASE_TYPE_CODES } from '../../standins/gz/codes.ts';
import {
  sampleAlert,
  sampleCase,
  sampleCaseOfficers,
  sampleIdNumber,
  sampleNotice,
  samplePerson,
  sampleVehicle,
} from '../../standins/gz/sample.ts';
import { createAdapter } from './index.ts';
import { startGzSample, type GzSampleService } from '../../tests/support/gz-sample.ts';
import { startCountingProxy } from '../../tests/support/counting-proxy.ts';

const PERSONS = 300;
let gz: GzSampleService;
let adapter: RegionAdapter;

beforeAll(async () => {
  gz = await startGzSample(PERSONS);
  adapter = await createAdapter({ dataDir: gz.dataDir, settings: { serviceUrl: gz.standin.url, timeoutMs: 5000, pollMs: 50 } });
});

afterAll(async () => {
  await adapter?.close();
  await gz?.close();
});

/** What GZ should hand back for sample case j: its own codes as recorded. */
function expectedCase(j: number) {
  const c = sampleCase(j, gz.sizes);
  return { ...c, typeCodeAsRecorded: CASE_TYPE_CODES[c.type], statusCodeAsRecorded: CASE_STATUS_CODES[c.status] };
}

async function rejection(promise: Promise<unknown>): Promise<AdapterError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(AdapterError);
  return error as AdapterError;
}

describe('keyed lookups', () => {
  it('reads back every kind of record as written, in input order, null for missing', async () => {
    expect(await adapter.personRecordsById(['RK00000005', 'nope', 'RK00000005', 'RK00000001'])).toEqual([
      samplePerson(5),
      null,
      samplePerson(5),
      samplePerson(1),
    ]);
    expect(await adapter.casesById(['C-2026-000003', 'C-2026-000000'])).toEqual([expectedCase(3), expectedCase(0)]);
    expect(await adapter.vehicleRecordsById(['CL00000001', 'CL00000000'])).toEqual([sampleVehicle(1, PERSONS), sampleVehicle(0, PERSONS)]);
    expect(await adapter.wantedNoticesById(['TJ00000001', 'TJ00000000'])).toEqual([sampleNotice(1, gz.sizes), sampleNotice(0, gz.sizes)]);
    expect(await adapter.vehicleAlertsById(['BK00000003'])).toEqual([sampleAlert(3, gz.sizes)]);
  });

  it('reads back the officers assigned to each case, from 警號 as GZ writes them', async () => {
    const ids = Array.from({ length: 7 }, (_, j) => sampleCase(j, gz.sizes).id);
    expect(await adapter.caseOfficersById(['C-NONE', ...ids])).toEqual([[], ...ids.map((_, j) => sampleCaseOfficers(j))]);
    expect(sampleCaseOfficers(0).map((o) => o.officerId)).toEqual(['GZ-0100000', 'JS-0200000']);
  });

  it('finds persons GZ holds under the 15-digit number by their 18-digit number', async () => {
    const legacy = samplePerson(3);
    expect(legacy.idNumberAsRecorded).toHaveLength(15);
    const [found, none] = await adapter.personRecordsByIdNumber([legacy.idNumber, sampleIdNumber(PERSONS + 1)]);
    expect(found).toEqual([legacy]);
    expect(found[0].idNumber).toHaveLength(18);
    expect(none).toEqual([]);
  });

  it('links cases, vehicles and notices registered under a 15-digit number', async () => {
    const idNumber = samplePerson(0).idNumber; // recorded with 15 digits; suspect of case 0, owner of vehicle 0, notice 0
    const [involvements] = await adapter.involvementsByIdNumber([idNumber]);
    expect(involvements).toContainEqual({ caseId: 'C-2026-000000', role: 'SUSPECT' });
    const [vehicles] = await adapter.vehicleRecordsByOwner([idNumber]);
    expect(vehicles.map((v) => v.id)).toContain('CL00000000');
    expect(vehicles.every((v) => v.ownerIdNumber === idNumber)).toBe(true);
    const [notices] = await adapter.wantedNoticesByIdNumber([idNumber]);
    expect(notices.map((n) => n.id)).toEqual(['TJ00000000']);
  });

  it('looks up by plate', async () => {
    const plate = sampleVehicle(0, PERSONS).plate;
    const [vehicles, none] = await adapter.vehicleRecordsByPlate([plate, '貴Z99999']);
    expect(vehicles.map((v) => v.id)).toEqual(['CL00000000']);
    expect(none).toEqual([]);
    const [cases] = await adapter.casesByPlate([plate]);
    expect(cases).toContain('C-2026-000000');
    const [alerts] = await adapter.vehicleAlertsByPlate([sampleAlert(0, gz.sizes).plate]);
    expect(alerts.map((a) => a.id)).toContain('BK00000000');
  });

  it('serves batches larger than one GZ request', async () => {
    const ids = Array.from({ length: 1500 }, (_, i) => `RK${String(i % (PERSONS + 20)).padStart(8, '0')}`);
    const records = await adapter.personRecordsById(ids);
    expect(records.map((r) => r?.id ?? null)).toEqual(ids.map((id, i) => (i % (PERSONS + 20) < PERSONS ? id : null)));
  });

  it('finds nothing for keys that are not normalised, and treats odd ids as missing', async () => {
    const fifteen = samplePerson(3).idNumberAsRecorded;
    expect(await adapter.personRecordsByIdNumber([fifteen, '52010219400101000X', samplePerson(3).idNumber])).toEqual([
      [],
      [],
      [samplePerson(3)],
    ]);
    expect(await adapter.vehicleRecordsByPlate(['贵A 00001', sampleVehicle(1, PERSONS).plate])).toEqual([[], [sampleVehicle(1, PERSONS)]]);
    expect(await adapter.personRecordsById(["RK1' OR '1'='1", 'RK00000001; DROP TABLE renkou'])).toEqual([null, null]);
    expect(await adapter.personRecordsById(['RK00000001'])).toEqual([samplePerson(1)]);
  });

  it('answers lookups asked at once with one GZ call per kind, exactly as each asked alone', async () => {
    // Through a proxy that counts GZ's calls: the sample adapter's own are not counted.
    const proxy = await startCountingProxy(gz.standin.url);
    const counted = await createAdapter({ dataDir: gz.dataDir, settings: { serviceUrl: proxy.url, timeoutMs: 5000, pollMs: 60_000 } });
    try {
      // Persons (some under 15-digit numbers), their notices, vehicles and cases, and a key GZ does not hold, all in one turn.
      const idNumbers = Array.from({ length: 40 }, (_, i) => samplePerson(i * 7).idNumber).concat(sampleIdNumber(PERSONS + 3));
      const lookups = [
        ...idNumbers.map((id) => () => counted.personRecordsByIdNumber([id])),
        ...idNumbers.map((id) => () => counted.wantedNoticesByIdNumber([id, idNumbers[0]])),
        ...idNumbers.map((id) => () => counted.vehicleRecordsByOwner([id])),
        ...idNumbers.map((id) => () => counted.involvementsByIdNumber([id])),
        () => counted.personRecordsById(['RK00000002', 'RK00000001', 'nope']),
      ];
      proxy.reset();
      const together = await Promise.all(lookups.map((lookup) => lookup()));
      expect(proxy.counts()).toEqual({
        '/api/v1/renkou/batch': 2, // by sfzh and by rkbh
        '/api/v1/tongji/batch': 1,
        '/api/v1/cheliang/batch': 1,
        '/api/v1/ajry/batch': 1,
      });
      const alone: unknown[] = [];
      for (const lookup of lookups) alone.push(await lookup());
      expect(JSON.stringify(together)).toBe(JSON.stringify(alone));
      expect(together.flat(2).length).toBeGreaterThan(100);
    } finally {
      await counted.close();
      await proxy.close();
    }
  });
});

describe('code tables', () => {
  it('maps sex, case types and statuses, keeping the recorded codes', async () => {
    const unknown = samplePerson(7);
    expect(unknown.sex).toBe('UNKNOWN');
    const [person] = await adapter.personRecordsById([unknown.id]);
    expect(person).toMatchObject({ sex: 'UNKNOWN', sexCodeAsRecorded: '0' });
    const cases = await adapter.casesById(Array.from({ length: 8 }, (_, j) => expectedCase(j).id));
    expect(cases.map((c) => c?.type)).toEqual([
      'TELECOM_FRAUD',
      'THEFT',
      'ROBBERY',
      'DRUG_TRAFFICKING',
      'ONLINE_GAMBLING',
      'ASSAULT',
      'TRAFFIC_OFFENCE',
      'OTHER',
    ]);
    expect(cases.map((c) => c?.typeCodeAsRecorded)).toEqual(['301', '201', '202', '401', '302', '101', '501', '999']);
  });

  it('surfaces codes GZ added after the mapping was written', async () => {
    await gz.admin('update', { bm: 'renkou', jlbh: 'RK00000011', sz: { xb: '5' } });
    await gz.admin('update', { bm: 'anjian', jlbh: 'C-2026-000011', sz: { ajlb: '777', ajzt: '77' } });
    const [person] = await adapter.personRecordsById(['RK00000011']);
    expect(person).toMatchObject({ sex: 'UNKNOWN', sexCodeAsRecorded: '5' });
    const [record] = await adapter.casesById(['C-2026-000011']);
    expect(record).toMatchObject({ type: 'OTHER', typeCodeAsRecorded: '777', status: 'UNKNOWN', statusCodeAsRecorded: '77' });
    const others = await adapter.searchCases({ type: 'OTHER' }, { first: 100 });
    expect(others.items.map((c) => c.id)).toContain('C-2026-000011');
    expect(others.items.every((c) => c.type === 'OTHER')).toBe(true);
  });

  it('refuses a code with no contract value as BAD_SOURCE_DATA instead of guessing', async () => {
    await gz.admin('update', { bm: 'cheliang', jlbh: 'CL00000007', sz: { nylx: 'Z' } });
    const error = await rejection(adapter.vehicleRecordsById(['CL00000007']));
    expect(error.kind).toBe('BAD_SOURCE_DATA');
    expect(error.message).toMatch(/energy type \(nylx\) code "Z"/);
  });
});

describe('searches', () => {
  it('pages persons in normalised-number order with a cursor after every item', async () => {
    const seen: string[] = [];
    let after: string | null = null;
    let hasNextPage = true;
    while (hasNextPage) {
      const page = await adapter.searchPersons({}, { first: 7, after });
      expect(page.cursors).toHaveLength(page.items.length);
      expect(page.totalCount).toBe(PERSONS);
      seen.push(...page.items.map((p) => p.idNumber));
      after = page.cursors[page.cursors.length - 1];
      hasNextPage = page.hasNextPage;
    }
    expect(seen).toHaveLength(PERSONS);
    expect(seen).toEqual([...seen].sort());
    expect(new Set(seen).size).toBe(PERSONS);
  });

  it('resumes from any item cursor, across GZ page boundaries', async () => {
    const first = await adapter.searchPersons({}, { first: 10 });
    const resumed = await adapter.searchPersons({}, { first: 10, after: first.cursors[3] });
    const whole = await adapter.searchPersons({}, { first: 14 });
    expect(resumed.items).toEqual(whole.items.slice(4, 14));
  });

  it('filters persons by name prefix, sex and birth dates', async () => {
    const page = await adapter.searchPersons({ name: '李*', sex: 'MALE', bornFrom: '1940-02-01', bornTo: '1940-12-31' }, { first: 100 });
    expect(page.items.length).toBeGreaterThan(0);
    expect(page.totalCount).toBe(page.items.length);
    for (const p of page.items) {
      expect(p.name.startsWith('李') && p.sex === 'MALE' && p.birthDate >= '1940-02-01' && p.birthDate <= '1940-12-31').toBe(true);
    }
    const unknown = await adapter.searchPersons({ sex: 'UNKNOWN' }, { first: 100 });
    expect(unknown.items.length).toBeGreaterThan(0);
    expect(unknown.items.every((p) => p.sex === 'UNKNOWN')).toBe(true);
  });

  it('filters cases by status and reporting time, vehicles by plate prefix and energy', async () => {
    const cases = await adapter.searchCases({ status: 'SOLVED', reportedFrom: '2026-01-02', place: '遵義' }, { first: 50 });
    expect(cases.items.length).toBeGreaterThan(0);
    for (const c of cases.items) expect(c.status === 'SOLVED' && c.reportedAt >= '2026-01-02' && c.place.includes('遵義')).toBe(true);
    const vehicles = await adapter.searchVehicles({ platePrefix: '貴A', energy: 'NEW_ENERGY' }, { first: 50 });
    expect(vehicles.items.length).toBeGreaterThan(0);
    expect(vehicles.items.every((v) => v.plate.startsWith('貴A') && v.energy === 'NEW_ENERGY' && v.plate.length === 8)).toBe(true);
    expect(vehicles.items.map((v) => v.plate)).toEqual(vehicles.items.map((v) => v.plate).sort());
  });

  it('refuses a foreign cursor and bad filter dates with BAD_INPUT', async () => {
    expect((await rejection(adapter.searchPersons({}, { first: 5, after: 'not-a-cursor' }))).kind).toBe('BAD_INPUT');
    expect((await rejection(adapter.searchPersons({ bornFrom: '1990-02-30' }, { first: 5 }))).kind).toBe('BAD_INPUT');
    expect((await rejection(adapter.searchCases({}, { first: 0 }))).kind).toBe('BAD_INPUT');
    const personCursor = (await adapter.searchPersons({}, { first: 1 })).cursors[0];
    expect((await rejection(adapter.searchCases({}, { first: 5, after: personCursor }))).kind).toBe('BAD_INPUT');
  });
});

describe('change feed and health', () => {
  it('reports an admin edit with the normalised keys it touched', async () => {
    const { position } = await adapter.changes.changesSince(null);
    const legacy = samplePerson(6);
    expect(legacy.idNumberAsRecorded).toHaveLength(15);
    await gz.admin('update', { bm: 'renkou', jlbh: legacy.id, sz: { xm: '改名' } });
    await gz.admin('update', { bm: 'cheliang', jlbh: 'CL00000002', sz: { csys: '藍' } });
    const { changes, position: next } = await adapter.changes.changesSince(position);
    expect(changes).toMatchObject([
      { region: 'GZ', type: 'PersonRecord', id: legacy.id, idNumbers: [legacy.idNumber], plates: [] },
      { region: 'GZ', type: 'VehicleRecord', id: 'CL00000002', plates: [sampleVehicle(2, PERSONS).plate] },
    ]);
    expect((await adapter.changes.changesSince(next)).changes).toEqual([]);
    const [person] = await adapter.personRecordsById([legacy.id]);
    expect(person?.name).toBe('改名');
  });

  it('pushes changes to subscribers by polling', async () => {
    const events: string[] = [];
    const unsubscribe = adapter.changes.subscribe!((event) => events.push(event.id));
    try {
      await new Promise((resolve) => setTimeout(resolve, 200)); // let the first poll fix "now"
      await gz.admin('update', { bm: 'tongji', jlbh: 'TJ00000002', sz: { tjzt: '2' } });
      await expect.poll(() => events, { timeout: 5000 }).toContain('TJ00000002');
    } finally {
      unsubscribe();
    }
  });

  it('says the service is healthy', async () => {
    expect(await adapter.health()).toMatchObject({ ok: true });
  });
});
