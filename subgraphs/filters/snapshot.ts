/**
 * The region's membership filter as kept on disk between runs: its bits, the change-feed
 * position P it covers, and what it was made for, sealed (signed) with the region's own
 * filter key in the envelope the published filter uses (common/filters/published-filter.ts,
 * another `format`, so neither is ever taken for the other).
 *
 * A filter that lost keys would hide a person from the gateway's fan-out, so a snapshot
 * is used only when it verifies with the region's key and was made for this region, this
 * sizing (false-positive rate, and at least the configured capacity) and this data set
 * (`datasetOf`: the data root and the adapter's settings). Anything else is a `problem`
 * naming why, and the caller builds from scratch as without a snapshot.
 *
 * What P means: the snapshot is taken from the served filter in the same synchronous turn
 * as the publisher's feed position (publisher.feedPosition(), which moves only once every
 * change before it was sent, and so added: region-filter.ts). So every key of every change
 * up to P is in it, as is every key the region held when it was built: with the changes
 * after P (catch-up.ts) it holds every key the region holds.
 *
 * Written as a temporary file, flushed to disk, then renamed over the old one: a crash at
 * any point leaves the old snapshot or the new one, never half of one.
 */
import { createHash } from 'node:crypto';
import { mkdir, open, rename } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { AdapterOptions } from '../../adapters/adapter.ts';
import type { FilterSizing, KeyFilter } from '../../common/filters/key-filter.ts';
import { filterVerifyingKeys, sealFilter, unsealFilter } from '../../common/filters/published-filter.ts';
import type { SigningKey } from '../../common/security/key-files.ts';
import type { DatasetProbe } from './dataset-probe.ts';

export const SNAPSHOT_FORMAT = 'liandong-filter-snapshot/1';

/** What a snapshot must have been made for to be used. */
export interface SnapshotFor {
  region: string;
  /** datasetOf(…) of the adapter the subgraph reads. */
  dataset: string;
  /** The configured sizing: the rate must match; the snapshot's capacity may be larger (it grew), never smaller. */
  sizing: FilterSizing;
}

export interface FilterSnapshot {
  filter: KeyFilter;
  /** The adapter feed position it covers (opaque, from changesSince). */
  position: string;
  /** What the filter was built for (its capacity may have grown past the configured one). */
  sizing: FilterSizing;
  /** When its first build finished reading the region's keys (ISO). */
  builtAt: string;
  /** A look at the region's data when it was saved (dataset-probe.ts), compared at restore. */
  probe: DatasetProbe;
}

/**
 * The data set an adapter reads, as far as the subgraph can tell: its data root and every
 * adapter setting (e.g. GZ's service URL). A change to either is taken as another data set:
 * a rebuild costs time, a filter of another data set would miss its keys.
 */
export function datasetOf(options: AdapterOptions): string {
  const settings = Object.fromEntries(Object.entries(options.settings).sort(([a], [b]) => a.localeCompare(b)));
  return createHash('sha256')
    .update(JSON.stringify({ dataDir: options.dataDir, settings }))
    .digest('base64url');
}

/** The sealed text of a snapshot; synchronous, so the filter's bits and `position` are read in one turn. */
export function sealSnapshot(key: SigningKey, made: Omit<SnapshotFor, 'sizing'>, snapshot: FilterSnapshot): string {
  const { capacity, falsePositiveRate } = snapshot.sizing;
  return sealFilter(
    key,
    {
      format: SNAPSHOT_FORMAT,
      region: made.region,
      dataset: made.dataset,
      position: snapshot.position,
      capacity,
      falsePositiveRate,
      builtAt: snapshot.builtAt,
      probe: snapshot.probe,
      savedAt: new Date().toISOString(),
    },
    snapshot.filter,
  );
}

/** Writes `text` to `file` durably and atomically (temporary file, fsync, rename). */
export async function writeSnapshotFile(file: string, text: string): Promise<void> {
  await mkdir(dirname(file), { recursive: true });
  const temp = `${file}.${process.pid}.tmp`;
  const handle = await open(temp, 'w', 0o600);
  try {
    await handle.writeFile(text);
    await handle.sync();
  } finally {
    await handle.close();
  }
  await rename(temp, file);
}

/** The snapshot in `file` if it is sound for `expected`; null when there is none; else the problem with it. */
export function readSnapshot(file: string, key: SigningKey, expected: SnapshotFor): FilterSnapshot | null | { problem: string } {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    return { problem: `cannot read it: ${(error as Error).message}` };
  }
  const opened = unsealFilter(text, expected.region, SNAPSHOT_FORMAT, filterVerifyingKeys({ keys: [key.publicJwk] }));
  if ('problem' in opened) return opened;
  const { header, filter } = opened;
  if (header.dataset !== expected.dataset)
    return {
      problem: `made for another data set (${String(header.dataset).slice(0, 16)}…, this one is ${expected.dataset.slice(0, 16)}…)`,
    };
  if (typeof header.position !== 'string' || header.position === '') return { problem: 'it states no change-feed position' };
  const capacity = Number(header.capacity);
  const falsePositiveRate = Number(header.falsePositiveRate);
  if (falsePositiveRate !== expected.sizing.falsePositiveRate)
    return { problem: `made for a false-positive rate of ${header.falsePositiveRate}, configured ${expected.sizing.falsePositiveRate}` };
  if (!Number.isSafeInteger(capacity) || capacity < expected.sizing.capacity)
    return { problem: `sized for ${header.capacity} keys, fewer than the configured ${expected.sizing.capacity}` };
  const probe = header.probe as DatasetProbe | undefined;
  if (!Number.isSafeInteger(probe?.persons) || !Array.isArray(probe?.sample) || !probe.sample.every((k) => typeof k === 'string'))
    return { problem: 'it has no data-set probe {persons, sample}' };
  return {
    filter,
    position: header.position,
    sizing: { capacity, falsePositiveRate },
    builtAt: typeof header.builtAt === 'string' ? header.builtAt : '',
    probe: { persons: probe.persons, sample: probe.sample },
  };
}
