/**
 * The seeded generator: decides what exists and streams it to each region's writer.
 *
 * Output below the data root: each region's system (JS SQLite file, GZ service data,
 * HB GBK exports), `ground-truth.jsonl` (which records are the same real person) and
 * `scenarios.json` (story records the integration tests use).
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { RegionWriter, RegionWriterOptions } from '../region-writer.ts';
import { LineFile } from './line-file.ts';
import { CLASSES, REGIONS, allIdentities, localIndexOf, type Region } from './population.ts';
import { liandongId, recordIds } from './ids.ts';
import { planScenarios, type Scenarios } from './scenarios.ts';
import { World } from './world.ts';

/**
 * What the stand-ins store, as a number: raised whenever a region's files or tables change
 * shape (2: case assignments; 3: JS's 協查 tables, HB's request drop folder; 4: JS logs its 協查
 * requests' changes). Written into scenarios.json, so whoever reuses generated
 * data (`npm start`, the benchmark) can tell data made by an older generator and make it again.
 */
export const DATA_LAYOUT_VERSION = 4;

export interface GenerateOptions {
  dataDir: string;
  personsPerRegion: number;
  seed: number;
  /** Regions to write (default all three); ground truth lists only records actually written. */
  regions?: readonly Region[];
  /** Progress lines (default: none). */
  log?: (line: string) => void;
}

export interface GenerateSummary {
  regions: Region[];
  counts: Record<string, number>;
  scenarios: Scenarios;
  groundTruthPersons: number;
  seconds: number;
}

type WriterFactory = (options: RegionWriterOptions) => Promise<RegionWriter>;

/** Each region's writer module; loaded lazily so one region's stand-in is not a dependency of the others. */
const WRITERS: Record<Region, () => Promise<WriterFactory>> = {
  JS: async () => (await import('../js/writer.ts')).createJsWriter,
  GZ: async () => (await import('../gz/writer.ts')).createGzWriter,
  HB: async () => (await import('../hb/writer.ts')).createHbWriter,
};

async function writeRegion(world: World, region: Region, writer: RegionWriter, log: (line: string) => void): Promise<void> {
  const { sizes } = world;
  const steps: [string, number, (k: number) => Promise<void> | void][] = [
    ['persons', sizes.persons, (i) => writer.person(world.personRecord(region, i))],
    ['vehicles', sizes.vehicles, (v) => writer.vehicle(world.vehicleRecord(region, v))],
    ['cases', sizes.cases, (c) => writer.case(world.caseRecord(region, c), world.caseOfficers(region, c))],
    ['notices', sizes.notices, (k) => writer.notice(world.notice(region, k))],
    ['alerts', sizes.alerts, (k) => writer.alert(world.alert(region, k))],
  ];
  for (const [name, count, write] of steps) {
    for (let k = 0; k < count; k++) await write(k);
    log(`${region}: ${count} ${name}`);
  }
  await writer.close();
}

async function writeGroundTruth(world: World, regions: readonly Region[], path: string): Promise<number> {
  const file = new LineFile(path);
  let persons = 0;
  for (const identity of allIdentities(world.personsPerRegion)) {
    const idNumber = world.person(identity).idNumber;
    const records = CLASSES[identity.cls]
      .filter((r) => regions.includes(r))
      .flatMap((region) => {
        const i = localIndexOf(region, identity, world.personsPerRegion);
        if (i === null) return [];
        const localId = recordIds[region].person(i);
        return [
          { region, localId, id: liandongId(region, localId), idNumberAsRecorded: world.idNumberAsRecorded(region, identity, idNumber) },
        ];
      });
    if (records.length === 0) continue;
    persons++;
    await file.write(`${JSON.stringify({ idNumber, records })}\n`);
  }
  await file.close();
  return persons;
}

export async function generate(options: GenerateOptions): Promise<GenerateSummary> {
  const started = performance.now();
  const regions = [...(options.regions ?? REGIONS)];
  const log = options.log ?? (() => {});
  const world = new World(options.seed, options.personsPerRegion);
  const scenarios = planScenarios(world);
  await mkdir(options.dataDir, { recursive: true });
  for (const region of regions) {
    const createWriter = await WRITERS[region]();
    await writeRegion(world, region, await createWriter({ dataDir: options.dataDir }), log);
  }
  const groundTruthPersons = await writeGroundTruth(world, regions, join(options.dataDir, 'ground-truth.jsonl'));
  await writeFile(
    join(options.dataDir, 'scenarios.json'),
    `${JSON.stringify({ layoutVersion: DATA_LAYOUT_VERSION, ...scenarios }, null, 2)}\n`,
  );
  log(`ground truth: ${groundTruthPersons} persons`);
  return {
    regions,
    counts: { ...world.sizes },
    scenarios,
    groundTruthPersons,
    seconds: (performance.now() - started) / 1000,
  };
}
