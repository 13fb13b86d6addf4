/** Biome's lint rules and formatting (biome.json) hold over the tree; `npm run lint` shows the same report, `npm run format` fixes the formatting. */
import { spawnSync } from 'node:child_process';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const BIOME = join(ROOT, 'node_modules/@biomejs/biome/bin/biome');

it('Biome finds nothing to report, lint or formatting', () => {
  const run = spawnSync(process.execPath, [BIOME, 'ci', '--colors=off', '.'], {
    cwd: ROOT,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  expect(run.status, `biome ci (run npm run format to fix formatting):\n${run.stdout}\n${run.stderr}`).toBe(0);
});
