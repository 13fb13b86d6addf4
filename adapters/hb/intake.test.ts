/**
 * Taking in a new export while serving, at a size where it takes seconds (50k persons):
 * lookups keep being answered with little event-loop delay (the intake runs in a worker
 * thread), each answer comes wholly from the old export or wholly from the new one, and
 * the change events are exactly the rows that changed. The 1M-person figure is measured
 * by the benchmark (`npm run bench -- --only 6`), not here.
 */
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PersonRecord } from '../adapter.ts';
import { generate } from '../../standins/generator/generate.ts';
import { republishHbExport } from '../../standins/hb/republish.ts';
import { createHbAdapter, type HbExports } from './adapter.ts';

const PERSONS = 50_000;
const EXPORTS = 'hb/exports';
const RENAMED = '乙';
/**
 * The longest event-loop stall is reported, not asserted: on this shared machine the loop
 * stalls 100–360 ms under other load with the intake in a worker (measured 2026-12-07, the
 * same code passing and failing a 150 ms bound run to run), so a stall bound tests the
 * machine. The benchmark reports stalls at 1M (workload 6). What tells a synchronous intake
 * from one in a worker is the utilisation below.
 */
/**
 * The share of the intake's time the serving thread may be busy. Unlike a delay, this
 * does not grow when the machine is loaded: time waiting to be scheduled while idle
 * counts as idle. The synchronous intake keeps the thread busy nearly throughout (CSV
 * decoding, inserts, index builds, the diff): 100% measured at 50k persons; with the
 * intake in a worker only the lookups below keep it busy: 26–27% measured.
 */
const UTILISATION_BOUND = 0.6;
const LOAD_PAUSE_MS = 20;

let dataDir: string;
let adapter: Awaited<ReturnType<typeof createHbAdapter>>;

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'liandong-hb-intake-'));
  await generate({ dataDir, personsPerRegion: PERSONS, seed: 23, regions: ['HB'] });
  // Polling is off in effect: the test moves the export in and asks for the intake itself.
  adapter = await createHbAdapter({
    exportsDir: join(dataDir, EXPORTS),
    indexDir: join(dataDir, 'hb/index'),
    pollMs: 3_600_000,
    maxChangeEvents: 1_000_000,
  });
}, 120_000);

afterAll(async () => {
  await adapter?.close();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

/** Writes the next export (every person renamed) in a staging copy; returns a function that moves it in, manifest last. */
async function stageRenamedExport(): Promise<{ name: string; moveIn: () => void }> {
  const staging = mkdtempSync(join(tmpdir(), 'liandong-hb-intake-staging-'));
  mkdirSync(join(staging, EXPORTS), { recursive: true });
  for (const file of readdirSync(join(dataDir, EXPORTS))) copyFileSync(join(dataDir, EXPORTS, file), join(staging, EXPORTS, file));
  const name = await republishHbExport(staging, new Date('2026-12-01T18:00:00Z'), (entity, row, headers) => {
    if (entity !== 'persons') return row;
    const at = headers.indexOf('姓名');
    return row.map((value, i) => (i === at ? value + RENAMED : value));
  });
  const files = readdirSync(join(staging, EXPORTS)).filter((f) => f.startsWith(name));
  return {
    name,
    moveIn: () => {
      for (const suffix of ['.csv', '.manifest.json']) {
        for (const f of files.filter((x) => x.endsWith(suffix))) copyFileSync(join(staging, EXPORTS, f), join(dataDir, EXPORTS, f));
      }
      rmSync(staging, { recursive: true, force: true });
    },
  };
}

/** Which export an answer came from: 'old', 'new', or 'mixed' (never acceptable). */
function generation(persons: (PersonRecord | null)[]): 'old' | 'new' | 'mixed' {
  const renamed = persons.filter((p) => p!.name.endsWith(RENAMED)).length;
  return renamed === 0 ? 'old' : renamed === persons.length ? 'new' : 'mixed';
}

describe('HB export intake under lookup load', () => {
  it('keeps answering with a low event-loop delay, each answer wholly from one export, and reports exactly the changed rows', async () => {
    const exports: HbExports = adapter.exports;
    const page = await adapter.searchPersons({ bornFrom: '1900-01-01' }, { first: 500, after: null });
    const ids = page.items.map((p) => p.id);
    expect(ids).toHaveLength(500);
    // A narrow search (one birth date): the load is lookups, not one scan of everyone.
    const born = page.items[0].birthDate;
    const everyId = new Set<string>();
    for (let after: string | null = null; ; ) {
      const p = await adapter.searchPersons({ bornFrom: '1900-01-01' }, { first: 1000, after });
      for (const person of p.items) everyId.add(person.id);
      if (!p.hasNextPage) break;
      after = p.cursors.at(-1)!;
    }
    const { position } = await adapter.changes.changesSince(null);
    const staged = await stageRenamedExport();

    // Lookups as fast as the loop allows: a 500-person batch and a search each turn.
    const seen = { old: 0, new: 0, mixed: 0, failed: 0 };
    let loading = true;
    const load = (async () => {
      while (loading) {
        try {
          seen[generation(await adapter.personRecordsById(ids))]++;
          seen[generation((await adapter.searchPersons({ bornFrom: born, bornTo: born }, { first: 20, after: null })).items)]++;
        } catch {
          seen.failed++;
        }
        await new Promise((resolve) => setTimeout(resolve, LOAD_PAUSE_MS));
      }
    })();

    // Lookups on the old export first.
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const delay = monitorEventLoopDelay({ resolution: 10 });
    delay.enable();
    const utilisationBefore = performance.eventLoopUtilization();
    staged.moveIn();
    await exports.check();
    const utilisation = performance.eventLoopUtilization(utilisationBefore).utilization;
    delay.disable();
    // A few more rounds on the new export, then stop the load.
    await new Promise((resolve) => setTimeout(resolve, 50));
    loading = false;
    await load;

    expect((await adapter.health()).detail).toContain(staged.name);
    expect(seen.mixed).toBe(0);
    expect(seen.failed).toBe(0);
    expect(seen.old).toBeGreaterThan(10);
    expect(seen.new).toBeGreaterThan(0);
    const stalls = `longest event-loop stall ${(delay.max / 1e6).toFixed(1)} ms, p99 ${(delay.percentile(99) / 1e6).toFixed(1)} ms`;
    expect(utilisation, `the serving thread was busy ${(utilisation * 100).toFixed(0)}% of the intake (${stalls})`).toBeLessThan(
      UTILISATION_BOUND,
    );

    const { changes } = await adapter.changes.changesSince(position);
    expect(new Set(changes.map((c) => c.type))).toEqual(new Set(['PersonRecord']));
    expect(changes.map((c) => c.id).sort()).toEqual([...everyId].sort());
  }, 120_000);
});
