/**
 * HB-specific behaviour over real GBK exports on disk: newer exports are picked up
 * without a restart and produce exactly the changed rows as events; bad exports (path
 * tricks, malformed GBK, truncated files) are refused with BAD_SOURCE_DATA while the
 * previous good export stays in service; HB's labels map to the contract or surface.
 */
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, truncateSync, writeFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AdapterError, type ChangeEvent, type RegionAdapter } from '../adapter.ts';
import { generate } from '../../standins/generator/generate.ts';
import { planScenarios } from '../../standins/generator/scenarios.ts';
import { World } from '../../standins/generator/world.ts';
import { republishHbExport, type RowEdit } from '../../standins/hb/republish.ts';
import { createAdapter } from './index.ts';

const EXPORTS = 'hb/exports';
let night = Date.parse('2026-11-29T18:00:00Z');
const nextNight = () => new Date((night += 86_400_000));

/**
 * Publish the next export into a staging copy, let `damage` spoil it, then move it in
 * data files first and manifest last — the order a real export job uses — so the
 * adapter never sees a half-copied export.
 */
async function publish(dataDir: string, edit: RowEdit, damage?: (dir: string, name: string) => void): Promise<string> {
  const staging = mkdtempSync(join(tmpdir(), 'liandong-hb-staging-'));
  try {
    mkdirSync(join(staging, EXPORTS), { recursive: true });
    for (const file of readdirSync(join(dataDir, EXPORTS))) copyFileSync(join(dataDir, EXPORTS, file), join(staging, EXPORTS, file));
    const name = await republishHbExport(staging, nextNight(), edit);
    damage?.(join(staging, EXPORTS), name);
    const files = readdirSync(join(staging, EXPORTS)).filter((f) => f.startsWith(name));
    const move = (suffix: string) =>
      files.filter((f) => f.endsWith(suffix)).forEach((f) => copyFileSync(join(staging, EXPORTS, f), join(dataDir, EXPORTS, f)));
    move('.csv');
    move('.manifest.json');
    return name;
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
}

async function waitFor<T>(probe: () => Promise<T | null | undefined>, what: string): Promise<T> {
  for (let i = 0; i < 100; i++) {
    const value = await probe();
    if (value) return value;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}`);
}

const unchanged: RowEdit = (_entity, row) => row;

function editManifest(dir: string, name: string, change: (manifest: { files: { entity: string; file: string; bytes: number }[] }) => void) {
  const path = join(dir, `${name}.manifest.json`);
  const manifest = JSON.parse(readFileSync(path, 'utf8'));
  change(manifest);
  writeFileSync(path, JSON.stringify(manifest));
}

describe('HB adapter over GBK exports', () => {
  let dataDir: string;
  let adapter: RegionAdapter;

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'liandong-hb-'));
    await generate({ dataDir, personsPerRegion: 200, seed: 11, regions: ['HB'] });
    adapter = await createAdapter({ dataDir, settings: { pollMs: 100 } });
  });
  afterAll(async () => {
    await adapter?.close();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  /** Refuse a damaged export and prove the previous good one still answers. */
  async function expectRefused(damage: (dir: string, name: string) => void, reason: RegExp) {
    const before = (await adapter.health()).detail;
    const name = await publish(dataDir, unchanged, damage);
    const health = await waitFor(async () => {
      const h = await adapter.health();
      return h.detail.includes(`refused export ${name}`) ? h : null;
    }, `refusal of ${name}`);
    expect(health.ok).toBe(true);
    expect(health.detail).toMatch(reason);
    expect(health.detail.split(';')[0]).toBe(before.split(';')[0]);
    const [person] = await adapter.personRecordsById(['HBR00000001']);
    expect(person?.id).toBe('HBR00000001');
    // HB withdraws the bad export, so the next test's export starts from the good one.
    for (const file of readdirSync(join(dataDir, EXPORTS)).filter((f) => f.startsWith(name))) rmSync(join(dataDir, EXPORTS, file));
  }

  it('reads back the officers assigned to each case from the GBK case-officers file (own officers as seven digits)', async () => {
    const world = new World(11, 200);
    planScenarios(world);
    const cases = Array.from({ length: world.sizes.cases }, (_, c) => world.caseRecord('HB', c).id);
    const expected = cases.map((_, c) => world.caseOfficers('HB', c));
    expect(await adapter.caseOfficersById(cases)).toEqual(expected);
    expect(
      expected.flat().some((o) => !o.officerId.startsWith('HB-')),
      'some assisting officer from another region',
    ).toBe(true);
  });

  it('reads GBK text, HB labels, Beijing times and lower-case x into contract values', async () => {
    const page = await adapter.searchPersons({ bornFrom: '1900-01-01' }, { first: 1000 });
    const lowerX = page.items.find((p) => p.idNumberAsRecorded.endsWith('x'));
    expect(lowerX?.idNumber).toBe(lowerX?.idNumberAsRecorded.toUpperCase());
    const [vehicle] = (await adapter.searchVehicles({ platePrefix: '鄂' }, { first: 1 })).items;
    expect(vehicle.plateAsRecorded).toContain('·');
    expect(vehicle.plate).toBe(vehicle.plateAsRecorded.replace('·', ''));
    const [c] = (await adapter.searchCases({}, { first: 1 })).items;
    expect(c.reportedAt).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
  });

  it('picks up a newer export without restart and reports exactly what changed', async () => {
    const { position } = await adapter.changes.changesSince(null);
    const [[alert]] = await adapter.vehicleAlertsByPlate([(await adapter.vehicleAlertsById(['HBBK000001']))[0]!.plate]);
    await publish(dataDir, (entity, row, headers) => {
      if (entity === 'persons' && row[0] === 'HBR00000007') row[headers.indexOf('姓名')] = '王改名';
      if (entity === 'alerts' && row[0] === 'HBBK000001') row[headers.indexOf('是否有效')] = '否';
      if (entity === 'cases' && row[0].endsWith('-000002')) row[headers.indexOf('案件類別')] = '縱火';
      if (entity === 'wanted' && row[0] === 'HBTJ000002') return null;
      return row;
    });
    const changes = await waitFor(async () => {
      const { changes } = await adapter.changes.changesSince(position);
      return changes.length ? changes : null;
    }, 'change events');
    const byKey = new Map(changes.map((c: ChangeEvent) => [`${c.type}:${c.id}`, c]));
    const caseId = (await adapter.searchCases({}, { first: 2 })).items[1].id;
    expect([...byKey.keys()].sort()).toEqual(
      [`Case:${caseId}`, 'PersonRecord:HBR00000007', 'VehicleAlert:HBBK000001', 'WantedNotice:HBTJ000002'].sort(),
    );
    expect(byKey.get('VehicleAlert:HBBK000001')!.plates).toEqual([alert.plate]);
    expect(byKey.get('PersonRecord:HBR00000007')!.idNumbers).toHaveLength(1);
    expect((await adapter.personRecordsById(['HBR00000007']))[0]?.name).toBe('王改名');
    expect((await adapter.vehicleAlertsById(['HBBK000001']))[0]?.active).toBe(false);
    expect(await adapter.wantedNoticesById(['HBTJ000002'])).toEqual([null]);
    // An HB label the contract does not know surfaces as OTHER with the label kept.
    const [arson] = await adapter.casesById([caseId]);
    expect(arson).toMatchObject({ type: 'OTHER', typeCodeAsRecorded: '縱火' });
    expect((await adapter.searchCases({ type: 'OTHER' }, { first: 100 })).items.map((x) => x.id)).toContain(caseId);
  });

  it('refuses a manifest that names a file outside the export (path trick)', async () => {
    await expectRefused(
      (dir, name) =>
        editManifest(dir, name, (m) => {
          m.files[0].file = '../../../etc/passwd';
        }),
      /etc\/passwd.*only ".*-persons\.csv" in the exports directory is accepted/,
    );
  });

  it('refuses malformed GBK bytes', async () => {
    await expectRefused((dir, name) => {
      const path = join(dir, `${name}-persons.csv`);
      const bytes = readFileSync(path);
      const at = bytes.indexOf(0x0a) + 5; // inside the first data row; same length, so the manifest still agrees
      bytes[at] = 0x81;
      bytes[at + 1] = 0x20;
      writeFileSync(path, bytes);
    }, /persons\.csv: holds bytes that are not valid GBK/);
  });

  it('refuses a truncated CSV, whether or not the manifest agrees with its size', async () => {
    await expectRefused(
      (dir, name) => truncateSync(join(dir, `${name}-cases.csv`), statSync(join(dir, `${name}-cases.csv`)).size - 30),
      /cases\.csv has \d+ bytes, the manifest says \d+: truncated/,
    );
    await expectRefused((dir, name) => {
      const path = join(dir, `${name}-vehicles.csv`);
      const size = statSync(path).size - 17;
      truncateSync(path, size);
      editManifest(dir, name, (m) => {
        m.files.find((f) => f.entity === 'vehicles')!.bytes = size;
      });
    }, /vehicles\.csv: does not end with a line break: the file is truncated/);
  });

  it('refuses to start on nothing but a bad export, with a typed error', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'liandong-hb-bad-'));
    try {
      await generate({ dataDir: dir, personsPerRegion: 100, seed: 3, regions: ['HB'] });
      const manifest = readdirSync(join(dir, EXPORTS)).find((f) => f.endsWith('.manifest.json'))!;
      editManifest(join(dir, EXPORTS), manifest.replace('.manifest.json', ''), (m) => {
        m.files[1].file = '/etc/passwd';
      });
      const error = await createAdapter({ dataDir: dir, settings: {} }).then(
        () => null,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(AdapterError);
      expect((error as AdapterError).kind).toBe('BAD_SOURCE_DATA');
      const none = await createAdapter({ dataDir: join(dir, 'nowhere'), settings: {} }).then(
        () => null,
        (e: unknown) => e,
      );
      expect((none as AdapterError).kind).toBe('UNAVAILABLE');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
