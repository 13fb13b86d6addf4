/**
 * Whether the demo data `npm start` seeded is still what the generator would write, so
 * later starts skip seeding and a changed generator re-seeds once.
 *
 * After seeding, `npm start` writes `seed-stamp.json` into the data directory: one digest
 * over the sources the data is made from — the generator and the regions' writers
 * (standins/, tests excluded) and the demo officers and case it is built around
 * (gateway/auth/dev-key.ts, demo-case.ts). Same seed and same sources give the same
 * bytes (the generator's promise), so equal digests mean up-to-date data. Content
 * digests, not modification times: a checkout or branch switch touches files without
 * changing them.
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';

export const SEED_STAMP_FILE = 'seed-stamp.json';

const SOURCE_DIRS = ['standins'];
const SOURCE_FILES = ['gateway/auth/dev-key.ts', 'gateway/auth/demo-case.ts'];

function sourceFiles(root: string): string[] {
  const found: string[] = SOURCE_FILES.map((f) => join(root, f));
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (/\.tsx?$/.test(entry.name) && !/\.test\.tsx?$/.test(entry.name)) found.push(path);
    }
  };
  for (const dir of SOURCE_DIRS) walk(join(root, dir));
  return found.sort();
}

/** One digest over the sources' paths and contents. */
export function seedSourcesDigest(root: string): string {
  const hash = createHash('sha256');
  for (const file of sourceFiles(root)) {
    hash.update(relative(root, file)).update('\0');
    if (existsSync(file)) hash.update(readFileSync(file));
    hash.update('\0');
  }
  return hash.digest('hex');
}

export function writeSeedStamp(dataDir: string, root: string): void {
  writeFileSync(join(dataDir, SEED_STAMP_FILE), `${JSON.stringify({ sources: seedSourcesDigest(root) })}\n`);
}

/**
 * 'fresh' (stamp matches), 'stale' (seeded by npm start from other sources), or
 * 'unstamped' (seeded some other way, e.g. `npm run seed -- --persons 1000000`: kept,
 * since npm start cannot tell what it was meant to hold).
 */
export function seedStampState(dataDir: string, root: string): 'fresh' | 'stale' | 'unstamped' {
  const file = join(dataDir, SEED_STAMP_FILE);
  if (!existsSync(file)) return 'unstamped';
  try {
    const stamp = JSON.parse(readFileSync(file, 'utf8')) as { sources?: unknown };
    return stamp.sources === seedSourcesDigest(root) ? 'fresh' : 'stale';
  } catch {
    return 'stale';
  }
}
