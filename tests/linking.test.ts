/**
 * Cross-region linking measured against the generator's ground truth.
 *
 * Generates all three regions, opens each region's real adapter over its real system
 * (JS SQLite file, GZ legacy service as its own process over HTTP, HB GBK exports),
 * and links person records by normalised identity number only — the way the gateway's
 * fanned-out `Person` fetch does. Every person held by two or more regions must be
 * linked (including the 15-digit and lower-case-x records), and no two real persons
 * may ever be merged.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PersonRecord, RegionAdapter } from '../adapters/adapter.ts';
import { createAdapter as createGzAdapter } from '../adapters/gz/index.ts';
import { createAdapter as createHbAdapter } from '../adapters/hb/index.ts';
import { createAdapter as createJsAdapter } from '../adapters/js/index.ts';
import { chunk } from '../adapters/support/batch.ts';
import { generate } from '../standins/generator/generate.ts';
import { startGzStandin, type GzStandin } from '../standins/gz/process.ts';

interface TruthRecord {
  region: string;
  localId: string;
  idNumberAsRecorded: string;
}
interface Truth {
  idNumber: string;
  records: TruthRecord[];
}

const PERSONS_PER_REGION = 600;
const recordKey = (region: string, localId: string) => `${region}:${localId}`;

async function everyPerson(adapter: RegionAdapter): Promise<PersonRecord[]> {
  const all: PersonRecord[] = [];
  let after: string | null = null;
  do {
    const page = await adapter.searchPersons({ bornFrom: '1900-01-01' }, { first: 250, after });
    all.push(...page.items);
    after = page.hasNextPage ? page.cursors[page.cursors.length - 1] : null;
  } while (after);
  return all;
}

describe('cross-region linking against the ground truth', () => {
  let dataDir: string;
  let gz: GzStandin;
  let adapters: RegionAdapter[];
  let truth: Truth[];

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'liandong-linking-'));
    await generate({ dataDir, personsPerRegion: PERSONS_PER_REGION, seed: 2026 });
    gz = await startGzStandin({ dataDir });
    adapters = [
      await createJsAdapter({ dataDir, settings: {} }),
      await createGzAdapter({ dataDir, settings: { serviceUrl: gz.url } }),
      await createHbAdapter({ dataDir, settings: {} }),
    ];
    truth = readFileSync(join(dataDir, 'ground-truth.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
  });

  afterAll(async () => {
    for (const adapter of adapters ?? []) await adapter.close();
    await gz?.stop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it('links every person held by 2+ regions by normalised identity number, and merges no two persons', async () => {
    const owner = new Map<string, string>(); // record → real person (ground truth)
    for (const person of truth) for (const r of person.records) owner.set(recordKey(r.region, r.localId), person.idNumber);
    const shared = truth.filter((p) => p.records.length >= 2);
    const formatOnly = shared.filter((p) => new Set(p.records.map((r) => r.idNumberAsRecorded)).size > 1);

    // The gateway's path: ask every region for the normalised key, in batches.
    const linked = new Map<string, Set<string>>(shared.map((p) => [p.idNumber, new Set<string>()]));
    for (const adapter of adapters) {
      for (const part of chunk(
        shared.map((p) => p.idNumber),
        200,
      )) {
        const answers = await adapter.personRecordsByIdNumber(part);
        answers.forEach((records, i) => {
          for (const record of records) linked.get(part[i])!.add(recordKey(adapter.region.code, record.id));
        });
      }
    }
    const fullyLinked = shared.filter((p) => {
      const got = linked.get(p.idNumber)!;
      return got.size === p.records.length && p.records.every((r) => got.has(recordKey(r.region, r.localId)));
    });
    const resolved = formatOnly.filter((p) => fullyLinked.includes(p));
    const sharedRecords = shared.reduce((n, p) => n + p.records.length, 0);

    // Every record of every region, grouped by normalised key: a group spanning two real persons is a false link.
    const groups = new Map<string, string[]>();
    let records = 0;
    for (const adapter of adapters) {
      for (const record of await everyPerson(adapter)) {
        records++;
        const list = groups.get(record.idNumber) ?? [];
        list.push(recordKey(adapter.region.code, record.id));
        groups.set(record.idNumber, list);
      }
    }
    const falseLinks = [...groups.values()].filter((members) => new Set(members.map((m) => owner.get(m))).size > 1);
    const unknownRecords = [...groups.values()].flat().filter((m) => !owner.has(m));

    console.log(
      [
        `linking: ${truth.length} real persons, ${records} records in ${adapters.length} regions`,
        `  held by 2+ regions: ${shared.length} persons (${((100 * shared.length) / truth.length).toFixed(1)}% of real persons, ` +
          `${((100 * sharedRecords) / records).toFixed(1)}% of each region's records); linked: ${fullyLinked.length} (${((100 * fullyLinked.length) / shared.length).toFixed(1)}%)`,
        `  format-only differences (15-digit, lower-case x): ${formatOnly.length}; resolved: ${resolved.length}`,
        `  false links: ${falseLinks.length}; records unknown to the ground truth: ${unknownRecords.length}`,
      ].join('\n'),
    );

    expect(records).toBe(PERSONS_PER_REGION * 3);
    expect(sharedRecords / records).toBeGreaterThan(0.25);
    expect(formatOnly.length).toBeGreaterThan(0);
    expect(fullyLinked.length).toBe(shared.length);
    expect(resolved.length).toBe(formatOnly.length);
    expect(falseLinks).toEqual([]);
    expect(unknownRecords).toEqual([]);
  });

  it('finds the scenario records the integration tests rely on', async () => {
    const scenarios = JSON.parse(readFileSync(join(dataDir, 'scenarios.json'), 'utf8'));
    const [js, gzAdapter, hb] = adapters;
    const local = (id: string) => id.slice(id.indexOf(':') + 1);

    const everywhere = scenarios.personInAllRegions;
    for (const adapter of adapters) {
      const [records] = await adapter.personRecordsByIdNumber([everywhere.idNumber]);
      expect(records.map((r) => r.id)).toEqual([local(everywhere.recordIds[adapter.region.code])]);
    }
    const [[gzRecord]] = await gzAdapter.personRecordsByIdNumber([everywhere.idNumber]);
    expect(gzRecord.idNumberAsRecorded).toBe(everywhere.legacyIdNumber);

    const story = scenarios.crossRegionCase;
    const [jsCase] = await js.casesById([local(story.caseId)]);
    expect(jsCase!.parties.some((p) => p.role === 'SUSPECT' && p.idNumber === story.suspectIdNumber)).toBe(true);
    expect(jsCase!.vehiclePlates).toContain(story.plate);
    expect((await gzAdapter.personRecordsByIdNumber([story.suspectIdNumber]))[0]).toHaveLength(1);
    const [[hbVehicle]] = await hb.vehicleRecordsByPlate([story.plate]);
    expect(hbVehicle.ownerIdNumber).toBe(story.suspectIdNumber);
    expect(hbVehicle.id).toBe(local(story.vehicleRecordId));
    const [alert] = await hb.vehicleAlertsById([local(story.hbAlertId)]);
    expect(alert).toMatchObject({ plate: story.plate, active: true });

    const wanted = scenarios.wantedInHb;
    const [notice] = await hb.wantedNoticesById([local(wanted.noticeId)]);
    expect(notice).toMatchObject({ idNumber: wanted.idNumber, status: 'AT_LARGE' });
    expect((await js.personRecordsById([local(wanted.jsRecordId)]))[0]?.idNumber).toBe(wanted.idNumber);
  });
});
