/**
 * `npm run seed -- [--persons N] [--seed S] [--data DIR] [--regions JS,GZ,HB]`
 *
 * Writes every region's stand-in data, ground-truth.jsonl and scenarios.json below the
 * data directory. Same seed and size → same bytes.
 */
import { parseArgs } from 'node:util';
import { resolve } from 'node:path';
import { generate } from './generate.ts';
import { REGIONS, type Region } from './population.ts';
import { seedFromText } from './random.ts';

export const DEFAULT_PERSONS = 600;
export const DEFAULT_SEED = 'liandong';

function fail(message: string): never {
  console.error(`seed: ${message}`);
  process.exit(2);
}

function parsePersons(text: string): number {
  const n = Number(text.replaceAll('_', ''));
  if (!Number.isInteger(n) || n < 20) fail(`--persons must be an integer of at least 20, got "${text}"`);
  return n;
}

function parseRegions(text: string): Region[] {
  const codes = text.split(',').map((c) => c.trim().toUpperCase());
  const bad = codes.filter((c) => !REGIONS.includes(c as Region));
  if (bad.length) fail(`--regions holds unknown region(s) ${bad.join(', ')}; expected some of ${REGIONS.join(', ')}`);
  return codes as Region[];
}

const { values } = parseArgs({
  options: {
    persons: { type: 'string', default: String(DEFAULT_PERSONS) },
    seed: { type: 'string', default: DEFAULT_SEED },
    data: { type: 'string', default: '.data' },
    regions: { type: 'string', default: REGIONS.join(',') },
    quiet: { type: 'boolean', default: false },
  },
});

const summary = await generate({
  dataDir: resolve(values.data!),
  personsPerRegion: parsePersons(values.persons!),
  seed: seedFromText(values.seed!),
  regions: parseRegions(values.regions!),
  log: values.quiet ? undefined : (line) => console.log(line),
});
console.log(
  `seeded ${summary.regions.join(', ')} into ${resolve(values.data!)} in ${summary.seconds.toFixed(1)} s ` +
    `(${summary.counts.persons} persons per region, ${summary.groundTruthPersons} real persons)`,
);
