/**
 * One graph over all regions, shown over real processes: the GZ legacy stand-in, the
 * three regional subgraphs and the gateway, on the seeded demo data. Each region's
 * subgraph sits behind a counting proxy, so "which regions were asked" is observed on
 * the wire, not taken from the gateway's own report.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rmSync } from 'node:fs';
import { toLegacyIdNumber } from '../../common/normalise/index.ts';
import { seedData, startSystem, type GraphQLResponse, type System } from '../support/system.ts';

const REGION_TIMEOUT_MS = 1500;
let system: System;
let dataDir: string;

beforeAll(async () => {
  dataDir = await seedData();
  // The entity cache is off: these tests watch which regions are asked on the wire, and a
  // cached answer would hide that (the cache has its own suite, with its freshness rules).
  system = await startSystem({ dataDir, regionTimeoutMs: REGION_TIMEOUT_MS, gatewayConfig: { cache: { enabled: false } } });
});

afterAll(async () => {
  await system?.stop();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

const PERSON = `query Person($id: String!) {
  person(idNumber: $id) {
    idNumber
    regions
    records { id region name idNumberAsRecorded }
    cases { role case { id region } }
    vehicles { id region plate }
  }
}`;

function regionsAsked(response: GraphQLResponse, subgraph: string): string[] {
  return (response.extensions?.regions ?? [])
    .filter((r: any) => r.subgraph === subgraph)
    .map((r: any) => r.region)
    .sort();
}

describe('a person across regions', () => {
  it('returns the records of all three regions, asked with the 18- or the 15-digit number alike', async () => {
    const { idNumber, legacyIdNumber, recordIds } = system.scenarios.personInAllRegions;
    const by18 = await system.query(PERSON, { id: idNumber });
    const by15 = await system.query(PERSON, { id: legacyIdNumber });
    expect(by18.errors).toBeUndefined();
    expect(by18.data.person.idNumber).toBe(idNumber);
    expect(by18.data.person.regions).toEqual(['JS', 'GZ', 'HB']);
    expect(by18.data.person.records.map((r: any) => r.id).sort()).toEqual(Object.values(recordIds).sort());
    // GZ stores the legacy number; the graph still links its record by the normalised one.
    expect(by18.data.person.records.find((r: any) => r.region === 'GZ').idNumberAsRecorded).toBe(legacyIdNumber);
    expect(by15.data).toEqual(by18.data);
    expect(regionsAsked(by18, 'index')).toEqual(['GZ', 'HB', 'JS']);
  });

  it("gathers the person's cases and vehicles from every region", async () => {
    const { suspectIdNumber, caseId, plate } = system.scenarios.crossRegionCase;
    const by15 = await system.query(PERSON, { id: toLegacyIdNumber(suspectIdNumber) });
    const by18 = await system.query(PERSON, { id: suspectIdNumber });
    expect(by18.errors).toBeUndefined();
    expect(by15.data).toEqual(by18.data);
    const person = by18.data.person;
    expect(person.regions).toEqual(['JS', 'GZ', 'HB']);
    expect(person.cases).toContainEqual({ role: 'SUSPECT', case: { id: caseId, region: 'JS' } });
    expect(person.vehicles.map((v: any) => v.plate)).toContain(plate);
  });

  it('refuses a malformed identity number once, with BAD_USER_INPUT naming the argument and the problem, asking no region', async () => {
    system.resetCounts();
    const response = await system.query(PERSON, { id: '32120219980212127X' });
    expect(response.errors).toHaveLength(1);
    expect(response.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', argument: 'idNumber', reason: 'check' });
    expect(response.errors?.[0].message).toMatch(/^person\(idNumber:\).*check/i);
    expect(response.data.person).toBeNull();
    for (const code of ['JS', 'GZ', 'HB'] as const) expect(system.regions[code].proxy.graphqlRequests()).toBe(0);
  });

  it('refuses a malformed plate the same way', async () => {
    system.resetCounts();
    const response = await system.query('query V($plate: String!) { vehicle(plate: $plate) { plate } }', { plate: '蘇A·1' });
    expect(response.errors).toHaveLength(1);
    expect(response.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', argument: 'plate' });
    for (const code of ['JS', 'GZ', 'HB'] as const) expect(system.regions[code].proxy.graphqlRequests()).toBe(0);
  });
});

describe('a case in JS followed through GZ and HB', () => {
  it('follows suspect → records in GZ → vehicle registered in HB → HB alert, in one query', async () => {
    const { caseId, suspectIdNumber, plate, vehicleRecordId, hbAlertId } = system.scenarios.crossRegionCase;
    const response = await system.query(
      `query Chain($id: ID!) {
      case(id: $id) {
        id region
        parties {
          role
          person {
            idNumber
            records { region }
            vehicles { id region vehicle { plate regions alerted alerts { id region active } } }
          }
        }
      }
    }`,
      { id: caseId },
    );
    expect(response.errors).toBeUndefined();
    expect(response.data.case).toMatchObject({ id: caseId, region: 'JS' });
    const suspect = response.data.case.parties.find((p: any) => p.role === 'SUSPECT' && p.person.idNumber === suspectIdNumber);
    expect(suspect).toBeDefined();
    expect(suspect.person.records.map((r: any) => r.region)).toContain('GZ');
    const registration = suspect.person.vehicles.find((v: any) => v.id === vehicleRecordId);
    expect(registration).toMatchObject({ region: 'HB', vehicle: { plate, alerted: true } });
    expect(registration.vehicle.regions).toContain('HB');
    expect(registration.vehicle.alerts).toContainEqual({ id: hbAlertId, region: 'HB', active: true });
  });
});

describe('routed fetches', () => {
  it('reach only the region that owns the id', async () => {
    const { caseId } = system.scenarios.crossRegionCase;
    const gzRecord = system.scenarios.personInAllRegions.recordIds.GZ;
    system.resetCounts();
    const response = await system.query(
      `query Owned($case: ID!, $record: ID!) {
      case(id: $case) { id caseNumber }
      personRecord(id: $record) { id name }
    }`,
      { case: caseId, record: gzRecord },
    );
    expect(response.errors).toBeUndefined();
    expect(response.data.case.id).toBe(caseId);
    expect(response.data.personRecord.id).toBe(gzRecord);
    expect(system.regions.JS.proxy.counts()).toEqual({ '/records': 1 });
    expect(system.regions.GZ.proxy.counts()).toEqual({ '/records': 1 });
    expect(system.regions.HB.proxy.graphqlRequests()).toBe(0);
  });
});

describe('a regions: filter', () => {
  it('holds for every hop under its root field: a search in JS gathers its persons from JS only', async () => {
    system.resetCounts();
    const response = await system.query(`query SearchInJs($regions: [String!] = ["JS"]) {
      searchPersons(filter: { bornFrom: "1900-01-01" }, regions: $regions, first: 5) {
        edges { node { idNumber regions records { region name } } }
      }
    }`);
    expect(response.errors).toBeUndefined();
    const nodes = response.data.searchPersons.edges.map((e: any) => e.node);
    expect(nodes.length).toBeGreaterThan(0);
    expect(nodes.flatMap((n: any) => n.records.map((r: any) => r.region))).toEqual(nodes.flatMap((n: any) => n.records.map(() => 'JS')));
    expect(system.regions.GZ.proxy.graphqlRequests()).toBe(0);
    expect(system.regions.HB.proxy.graphqlRequests()).toBe(0);
    const index = (response.extensions?.regions ?? []).filter((r: any) => r.subgraph === 'index');
    expect(index.filter((r: any) => r.status !== 'skipped').map((r: any) => r.region)).toEqual(expect.arrayContaining(['JS']));
    expect(
      index
        .filter((r: any) => r.status === 'skipped')
        .map((r: any) => r.region)
        .sort(),
    ).toEqual(['GZ', 'HB']);
  });

  it('narrows only its own root field: a second root field without a filter still asks every region', async () => {
    const { idNumber } = system.scenarios.personInAllRegions;
    const response = await system.query(
      `query Two($id: String!) {
      onlyGz: person(idNumber: $id, regions: ["GZ"]) { records { region } cases { case { id region } } }
      everywhere: person(idNumber: $id) { records { region } }
    }`,
      { id: idNumber },
    );
    expect(response.errors).toBeUndefined();
    expect(response.data.onlyGz.records.map((r: any) => r.region)).toEqual(['GZ']);
    expect(response.data.onlyGz.cases.every((c: any) => c.case === null || c.case.region === 'GZ')).toBe(true);
    expect(response.data.everywhere.records.map((r: any) => r.region).sort()).toEqual(['GZ', 'HB', 'JS']);
  });
});

describe('a regional system going down and coming back', () => {
  it('answers from JS and HB with REGION_UNAVAILABLE for GZ, then fully again after a restart', async () => {
    const { idNumber, recordIds } = system.scenarios.personInAllRegions;
    const full = await system.query(PERSON, { id: idNumber });
    expect(full.data.person.regions).toEqual(['JS', 'GZ', 'HB']);

    await system.standins.GZ.kill();
    const started = Date.now();
    const partial = await system.query(PERSON, { id: idNumber });
    const elapsed = Date.now() - started;
    expect(partial.status).toBe(200);
    expect(partial.data.person.records.map((r: any) => r.id).sort()).toEqual([recordIds.HB, recordIds.JS].sort());
    const unavailable = partial.errors?.filter((e) => e.extensions?.code === 'REGION_UNAVAILABLE') ?? [];
    expect(unavailable.length).toBeGreaterThan(0);
    expect(unavailable.every((e) => e.extensions?.region === 'GZ')).toBe(true);
    expect(partial.extensions?.regions.find((r: any) => r.region === 'GZ').status).toMatch(/error|timeout|circuit-open/);
    // Not a timing measurement: a dead region must not hold the answer past its timeout.
    expect(elapsed).toBeLessThan(REGION_TIMEOUT_MS * 2 + 1000);

    await system.standins.GZ.start();
    // The GZ circuit may be open for its cool-down; the gateway itself is never restarted.
    await expect
      .poll(async () => (await system.query(PERSON, { id: idNumber })).data?.person?.regions, { timeout: 20_000, interval: 500 })
      .toEqual(['JS', 'GZ', 'HB']);
    const again = await system.query(PERSON, { id: idNumber });
    expect(again.errors).toBeUndefined();
    expect(again.data).toEqual(full.data);
  });
});
