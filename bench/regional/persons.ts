/**
 * Many persons to look up, as the data set holds them: a seeded uniform sample of the
 * generator's ground truth (`ground-truth.jsonl`, one line per person with the records
 * each region holds). At 10k persons per region that is 84 % held by one region, 12 % by
 * two, 4 % by all three — a lookup of a real person asks the regions that hold it (the
 * membership filters skip the others), not always all three as workload 2's one person does.
 */
import { createReadStream } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

export interface SampledPerson {
  idNumber: string;
  /** The regions holding a record of this person, sorted. */
  regions: string[];
}

/** `count` persons drawn uniformly (reservoir sampling, seeded: the same sample every run) from the data set's ground truth. */
export async function samplePersons(dataDir: string, count: number, seed = 20261207): Promise<SampledPerson[]> {
  if (!Number.isInteger(count) || count < 1) throw new RangeError(`samplePersons: expected a whole count ≥ 1, got ${count}`);
  const random = mulberry32(seed);
  const sample: SampledPerson[] = [];
  let seen = 0;
  const lines = createInterface({ input: createReadStream(join(dataDir, 'ground-truth.jsonl'), 'utf8'), crlfDelay: Infinity });
  for await (const line of lines) {
    if (!line) continue;
    seen++;
    const slot = seen <= count ? seen - 1 : Math.floor(random() * seen);
    if (slot < count) sample[slot] = personOf(line);
  }
  if (seen < count)
    throw new Error(`samplePersons: ${join(dataDir, 'ground-truth.jsonl')} has ${seen} persons; expected at least ${count}`);
  return sample;
}

function personOf(line: string): SampledPerson {
  const { idNumber, records } = JSON.parse(line) as { idNumber: string; records: { region: string }[] };
  return { idNumber, regions: [...new Set(records.map((r) => r.region))].sort() };
}

/** How many of the sample each number of regions holds: `{ "1": 840, "2": 120, "3": 40 }`. */
export function holdersHistogram(persons: readonly SampledPerson[]): Record<string, number> {
  const histogram: Record<string, number> = {};
  for (const p of persons) histogram[p.regions.length] = (histogram[p.regions.length] ?? 0) + 1;
  return histogram;
}

/** A small seeded PRNG (mulberry32): the sample must not change from run to run. */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
