/** Biome's lint rules (biome.json) hold over the tree; `npm run lint` shows the same report. */
import { spawnSync } from 'node:child_process';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const BIOME = join(ROOT, 'node_modules/@biomejs/biome/bin/biome');

it('Biome finds nothing to report', () => {
  const run = spawnSync(process.execPath, [BIOME, 'lint', '--colors=off', '.'], { cwd: ROOT, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  expect(run.status, `biome lint:\n${run.stdout}\n${run.stderr}`).toBe(0);
});
