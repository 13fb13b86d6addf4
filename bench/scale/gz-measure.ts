/**
 * Measures GZ at scale for the issue note (not a test):
 *   node --import tsx bench/scale/gz-measure.ts [--persons 1000000] [--lookups 2000] [--writer-only]
 * Seeds GZ only with the shared generator into a temp dir, reports the time, peak
 * memory and disk size, then serves it with the real stand-in and times keyed lookups
 * through the adapter (sequential, so each figure is one round trip). Deletes the data.
 * `--writer-only` times the GZ writer alone, fed by the cheap GZ sample (sample.ts).
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { generate } from '../../standins/generator/generate.ts';
import { World } from '../../standins/generator/world.ts';
import { startGzStandin } from '../../standins/gz/process.ts';
import { writeGzSample } from '../../standins/gz/sample.ts';
import { gzDbPath } from '../../standins/gz/writer.ts';
import { createAdapter } from '../../adapters/gz/index.ts';

const { values } = parseArgs({
  options: {
    persons: { type: 'string', default: '1000000' },
    lookups: { type: 'string', default: '2000' },
    'writer-only': { type: 'boolean', default: false },
  },
});
const persons = Number(values.persons);
const lookups = Number(values.lookups);
const SEED = 7;

function percentiles(samples: number[]): string {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (p: number) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))].toFixed(2);
  return `p50 ${at(0.5)} ms, p95 ${at(0.95)} ms, p99 ${at(0.99)} ms`;
}

async function timed(label: string, count: number, call: (k: number) => Promise<unknown>): Promise<void> {
  const samples: number[] = [];
  for (let k = 0; k < count; k++) {
    const started = performance.now();
    await call(k);
    samples.push(performance.now() - started);
  }
  console.log(`${label} (${count}×): ${percentiles(samples)}`);
}

async function measureWriter(dataDir: string): Promise<void> {
  const started = performance.now();
  const sizes = await writeGzSample(dataDir, persons);
  const seconds = (performance.now() - started) / 1000;
  const size = statSync(gzDbPath(dataDir)).size;
  console.log(
    `GZ writer alone: ${JSON.stringify(sizes)} in ${seconds.toFixed(1)} s; gz.db ${(size / 2 ** 20).toFixed(1)} MiB; peak RSS ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MiB`,
  );
}

async function measureLookups(dataDir: string): Promise<void> {
  const summary = await generate({ dataDir, personsPerRegion: persons, seed: SEED, regions: ['GZ'] });
  const size = statSync(gzDbPath(dataDir)).size;
  console.log(
    `seeded GZ: ${JSON.stringify(summary.counts)} in ${summary.seconds.toFixed(1)} s; gz.db ${(size / 2 ** 20).toFixed(1)} MiB; peak RSS ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MiB`,
  );

  const world = new World(SEED, persons);
  const standin = await startGzStandin({ dataDir });
  const adapter = await createAdapter({ dataDir, settings: { serviceUrl: standin.url, timeoutMs: 10_000 } });
  try {
    const person = (k: number) => world.personRecord('GZ', (k * 7919) % persons);
    await adapter.personRecordsById([person(0).id]); // warm the connection
    await timed('personRecordsByIdNumber, 1 key (18- and 15-digit forms)', lookups, (k) =>
      adapter.personRecordsByIdNumber([person(k).idNumber]),
    );
    await timed('personRecordsById, 1 key', lookups, (k) => adapter.personRecordsById([person(k).id]));
    await timed('personRecordsByIdNumber, 100 keys', Math.ceil(lookups / 20), (k) =>
      adapter.personRecordsByIdNumber(Array.from({ length: 100 }, (_, j) => person(k * 100 + j).idNumber)),
    );
    await timed('involvementsByIdNumber, 1 key', lookups, (k) => adapter.involvementsByIdNumber([person(k).idNumber]));
    await timed('searchPersons name prefix, first 20', 200, (k) => adapter.searchPersons({ name: `${person(k).name[0]}*` }, { first: 20 }));
  } finally {
    await adapter.close();
    await standin.stop();
  }
}

const dataDir = mkdtempSync(path.join(tmpdir(), 'liandong-gz-measure-'));
try {
  await (values['writer-only'] ? measureWriter(dataDir) : measureLookups(dataDir));
} finally {
  rmSync(dataDir, { recursive: true, force: true });
}
