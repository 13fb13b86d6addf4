/**
 * Whose data left the gateway, over the real system (three regional subgraphs, the
 * gateway process with its file audit log): the audit record's `subjects` and the
 * bulk-lookup monitor name every person, case, vehicle and record whose data the answer
 * holds — not only those whose key the client happened to select — and an operation
 * whose `@include` condition takes its variable's declared default is answered and
 * audited like any other.
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { normaliseIdNumber } from '../../common/normalise/index.ts';
import { seedData, startSystem, type System } from '../support/system.ts';
import { readJsonLines } from '../support/json-lines.ts';

/** Persons per region in the seeded data; a name-less birth-date search pages through all of them. */
const PERSONS = 300;
/** The monitor's threshold: three pages of 100 persons cross it, one page does not. */
const THRESHOLD = 150;

let system: System;
let dataDir: string;

beforeAll(async () => {
  dataDir = await seedData(PERSONS);
  system = await startSystem({
    dataDir,
    gatewayConfig: {
      limits: { rateLimit: { burst: 10_000, perSecond: 10_000 }, bulkLookup: { threshold: THRESHOLD, windowSeconds: 3600, block: false } },
    },
  });
}, 180_000);

afterAll(async () => {
  await system?.stop();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

function auditRecords(): any[] {
  const dir = join(system.configDir, 'audit');
  return readJsonLines(dir, /^audit-\d{6}\.jsonl$/).filter((r) => r.type === 'audit');
}

async function recordOf(auditId: string): Promise<any> {
  // The record is durable before the response leaves: it is there already.
  const record = auditRecords().find((r) => r.auditId === auditId);
  if (!record) throw new Error(`no audit record ${auditId} in ${join(system.configDir, 'audit')}`);
  return record;
}

function bulkAlerts(): any[] {
  return system
    .gatewayOutput()
    .split('\n')
    .filter((l) => l.includes('"bulk-lookup"'))
    .map((l) => JSON.parse(l));
}

describe('subjects: what is disclosed, not what is selected', () => {
  it('paging searchPersons for records without idNumber names every person shown, and the monitor counts them', async () => {
    const query = `query Page($after: String) {
      searchPersons(filter: { bornFrom: "1900-01-01" }, first: 100, after: $after) {
        pageInfo { hasNextPage endCursor }
        edges { node { records { name birthDate idNumberAsRecorded } } }
      }
    }`;
    const shown = new Set<string>();
    const audited = new Set<string>();
    let after: string | null = null;
    for (let page = 0; page < 3; page++) {
      const response = await system.query(query, { after });
      expect(response.status).toBe(200);
      expect(response.errors).toBeUndefined();
      const connection = response.data.searchPersons;
      const pageShown = new Set<string>(
        connection.edges.flatMap((e: any) => e.node.records.map((r: any) => normaliseIdNumber(r.idNumberAsRecorded))),
      );
      // The hidden keys never reach the client.
      expect(JSON.stringify(response.data)).not.toContain('_liandongKey');
      const record = await recordOf(response.extensions!.auditId);
      expect(record.outcome).toBe('answered');
      expect(record.subjects.persons).toEqual([...pageShown].sort());
      expect(record.subjects.records.length).toBeGreaterThanOrEqual(pageShown.size);
      pageShown.forEach((id) => shown.add(id));
      (record.subjects.persons as string[]).forEach((id) => audited.add(id));
      after = connection.pageInfo.endCursor;
      if (!connection.pageInfo.hasNextPage) break;
    }
    expect(shown.size).toBeGreaterThan(THRESHOLD);
    expect(audited).toEqual(shown);
    const alerts = bulkAlerts();
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatchObject({ threshold: THRESHOLD, blocked: false });
    expect(alerts[0].distinctPersons).toBeGreaterThan(THRESHOLD);
    console.info(
      `issue #12 paging case: ${shown.size} persons shown over the pages; audit subjects.persons ${audited.size}; monitor alert at ${alerts[0].distinctPersons} distinct persons`,
    );
  });

  it('a person lookup selecting no key names the person, their cases, vehicles, registrations and alerts reached through links', async () => {
    const { crossRegionCase: scenario } = system.scenarios;
    const lookup = () =>
      system.query(
        `query($id: String!) {
      person(idNumber: $id) {
        birthDate
        cases { role case { caseNumber } }
        vehicles { make vehicle { alerted alerts { kind } } }
      }
    }`,
        { id: scenario.suspectIdNumber },
        { roles: ['investigator'], region: 'JS' },
      );
    const response = await lookup();
    expect(response.status).toBe(200);
    expect(response.data.person.cases.length).toBeGreaterThan(0);
    const record = await recordOf(response.extensions!.auditId);
    expect(record.subjects.persons).toEqual([scenario.suspectIdNumber]);
    expect(record.subjects.cases).toContain(scenario.caseId);
    expect(record.subjects.plates).toContain(scenario.plate);
    expect(record.subjects.records).toEqual(expect.arrayContaining([scenario.vehicleRecordId, scenario.hbAlertId]));

    // The same answer again, from the response cache: the same subjects.
    const again = await lookup();
    expect(again.data).toEqual(response.data);
    const hit = await recordOf(again.extensions!.auditId);
    expect(hit.regions.every((r: any) => r.status === 'cached')).toBe(true);
    expect(hit.subjects).toEqual(record.subjects);
  });

  it('a case lookup names its parties, seen only through their names and birth dates', async () => {
    const { crossRegionCase: scenario } = system.scenarios;
    const response = await system.query(
      `query($id: ID!) {
      case(id: $id) { caseNumber parties { nameAsRecorded person { birthDate } } vehicles { alerted } }
    }`,
      { id: scenario.caseId },
      { roles: ['investigator'], region: 'JS' },
    );
    expect(response.status).toBe(200);
    const record = await recordOf(response.extensions!.auditId);
    expect(record.subjects.cases).toEqual([scenario.caseId]);
    expect(record.subjects.persons).toContain(scenario.suspectIdNumber);
    expect(record.subjects.plates.length).toBe(response.data.case.vehicles.length);
  });
});

describe('@include/@skip with declared defaults', () => {
  it('answers 200 and audits the operation when the condition takes its default', async () => {
    const { personInAllRegions: scenario } = system.scenarios;
    const response = await system.query(
      `query Q($id: String!, $v: Boolean = true, $s: Boolean = false) {
      person(idNumber: $id) @include(if: $v) { birthDate records @skip(if: $s) { name } }
    }`,
      { id: scenario.idNumber },
    );
    expect(response.status).toBe(200);
    expect(response.errors).toBeUndefined();
    expect(response.data.person.records.length).toBe(3);
    const record = await recordOf(response.extensions!.auditId);
    expect(record).toMatchObject({ outcome: 'answered', httpStatus: 200, variables: { id: scenario.idNumber } });
    expect(record.subjects.persons).toEqual([scenario.idNumber]);
    expect(record.subjects.records).toEqual(Object.values(scenario.recordIds).sort());
  });

  it('leaves out of the subjects what a defaulted @skip left out of the answer', async () => {
    const { personInAllRegions: scenario } = system.scenarios;
    const response = await system.query(
      `query Q($id: String!, $s: Boolean = true) {
      person(idNumber: $id) { birthDate ...Records @skip(if: $s) }
    } fragment Records on Person { records { name } }`,
      { id: scenario.idNumber },
    );
    expect(response.status).toBe(200);
    expect(response.errors).toBeUndefined();
    expect(response.data.person).toEqual({ birthDate: expect.any(String) });
    const record = await recordOf(response.extensions!.auditId);
    expect(record.subjects).toEqual({ persons: [scenario.idNumber], cases: [], plates: [], records: [] });
  });
});
