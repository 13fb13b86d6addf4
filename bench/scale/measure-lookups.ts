/**
 * Keyed lookup latency per adapter over a generated data set (for the issue note; not a test).
 *
 *   node --import tsx bench/scale/measure-lookups.ts --data /tmp/liandong-1m [--samples 2000]
 *
 * Opens JS, GZ (starting its stand-in process) and HB over the data directory, samples
 * identity numbers from ground-truth.jsonl, and times single-key and 100-key batch
 * lookups by identity number and by record id. Prints p50 / p95 / p99 in milliseconds.
 */
import { createReadStream, existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import type { RegionAdapter } from '../../adapters/adapter.ts';
import { chunk } from '../../adapters/support/batch.ts';
import { startGzStandin, type GzStandin } from '../../standins/gz/process.ts';

const { values } = parseArgs({ options: { data: { type: 'string', default: '.data' }, samples: { type: 'string', default: '2000' } } });
const dataDir = resolve(values.data!);
const samples = Number(values.samples);

interface Sample {
  idNumber: string;
  ids: Record<string, string>;
}

/** Every k-th ground-truth line, so the sample spreads over the whole data set without loading it. */
async function sampleTruth(total: number): Promise<Sample[]> {
  const picked: Sample[] = [];
  const lines = createInterface({ input: createReadStream(join(dataDir, 'ground-truth.jsonl')) });
  let n = 0;
  for await (const line of lines) {
    if (n++ % 997 !== 0) continue;
    const truth = JSON.parse(line) as { idNumber: string; records: { region: string; localId: string }[] };
    picked.push({ idNumber: truth.idNumber, ids: Object.fromEntries(truth.records.map((r) => [r.region, r.localId])) });
    if (picked.length >= total) break;
  }
  return picked;
}

function percentiles(ms: number[]): string {
  const sorted = [...ms].sort((a, b) => a - b);
  const at = (p: number) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))].toFixed(2);
  return `p50 ${at(0.5)}  p95 ${at(0.95)}  p99 ${at(0.99)}  (n=${ms.length})`;
}

async function time(work: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  await work();
  return performance.now() - started;
}

async function measure(name: string, adapter: RegionAdapter, sample: Sample[]): Promise<void> {
  const mine = sample.filter((s) => s.ids[name]);
  const single: number[] = [];
  const byId: number[] = [];
  for (const s of sample) single.push(await time(() => adapter.personRecordsByIdNumber([s.idNumber])));
  for (const s of mine) byId.push(await time(() => adapter.personRecordsById([s.ids[name]])));
  const batches: number[] = [];
  for (const part of chunk(
    sample.map((s) => s.idNumber),
    100,
  ))
    batches.push(await time(() => adapter.personRecordsByIdNumber(part)));
  console.log(`${name}: personRecordsByIdNumber, 1 key:    ${percentiles(single)}`);
  console.log(`${name}: personRecordsById, 1 key:          ${percentiles(byId)}`);
  console.log(`${name}: personRecordsByIdNumber, 100 keys: ${percentiles(batches)}`);
}

const sample = await sampleTruth(samples);
console.log(`sampled ${sample.length} persons from ${dataDir}`);
let gz: GzStandin | null = null;
try {
  const regions: [string, () => Promise<RegionAdapter>][] = [
    ['JS', async () => (await import('../../adapters/js/index.ts')).createAdapter({ dataDir, settings: {} })],
    ['HB', async () => (await import('../../adapters/hb/index.ts')).createAdapter({ dataDir, settings: {} })],
  ];
  if (existsSync(join(dataDir, 'gz'))) {
    regions.push([
      'GZ',
      async () => {
        gz = await startGzStandin({ dataDir });
        return (await import('../../adapters/gz/index.ts')).createAdapter({ dataDir, settings: { serviceUrl: gz.url, timeoutMs: 30_000 } });
      },
    ]);
  }
  for (const [name, open] of regions) {
    const opening = performance.now();
    const adapter = await open();
    console.log(`${name}: adapter ready in ${((performance.now() - opening) / 1000).toFixed(1)} s`);
    await measure(name, adapter, sample);
    await adapter.close();
  }
} finally {
  await (gz as GzStandin | null)?.stop();
}
