/**
 * `npm start` re-seeds the demo data only when the sources it is made from changed since
 * npm start seeded it, and keeps data seeded some other way.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { seedStampState, writeSeedStamp } from './seed-stamp.ts';

const root = mkdtempSync(join(tmpdir(), 'liandong-seed-stamp-'));
const data = join(root, '.data');
afterAll(() => rmSync(root, { recursive: true, force: true }));

mkdirSync(join(root, 'standins', 'generator'), { recursive: true });
mkdirSync(join(root, 'gateway', 'auth'), { recursive: true });
mkdirSync(data);
writeFileSync(join(root, 'standins', 'generator', 'world.ts'), 'world v1');
writeFileSync(join(root, 'gateway', 'auth', 'demo-case.ts'), 'case v1');

describe('seedStampState', () => {
  it('keeps data seeded outside npm start (no stamp)', () => {
    expect(seedStampState(data, root)).toBe('unstamped');
  });

  it('is fresh after npm start seeded, and stays so when only a test changes', () => {
    writeSeedStamp(data, root);
    expect(seedStampState(data, root)).toBe('fresh');
    writeFileSync(join(root, 'standins', 'generator', 'world.test.ts'), 'a test');
    expect(seedStampState(data, root)).toBe('fresh');
  });

  it('is stale when the generator, a new source or the demo case changed', () => {
    writeSeedStamp(data, root);
    writeFileSync(join(root, 'standins', 'generator', 'world.ts'), 'world v2');
    expect(seedStampState(data, root)).toBe('stale');
    writeSeedStamp(data, root);
    writeFileSync(join(root, 'standins', 'generator', 'extra.ts'), 'new');
    expect(seedStampState(data, root)).toBe('stale');
    writeSeedStamp(data, root);
    writeFileSync(join(root, 'gateway', 'auth', 'demo-case.ts'), 'case v2');
    expect(seedStampState(data, root)).toBe('stale');
  });
});
