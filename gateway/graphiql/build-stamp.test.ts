/**
 * `npm start` skips the GraphiQL build only while the bundle is what its sources make:
 * every project file esbuild bundled and package-lock.json unchanged, the assets there.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { staleBuildReason, writeBuildStamp } from './build-stamp.ts';

const root = mkdtempSync(join(tmpdir(), 'liandong-build-stamp-'));
const out = join(root, 'dist');
afterAll(() => rmSync(root, { recursive: true, force: true }));

beforeEach(() => {
  mkdirSync(join(root, 'app'), { recursive: true });
  mkdirSync(join(root, 'node_modules', 'graphiql'), { recursive: true });
  mkdirSync(out, { recursive: true });
  writeFileSync(join(root, 'app', 'main.tsx'), 'main v1');
  writeFileSync(join(root, 'app', 'examples.ts'), 'examples v1');
  writeFileSync(join(root, 'node_modules', 'graphiql', 'index.js'), 'graphiql');
  writeFileSync(join(root, 'package-lock.json'), '{"lock":1}');
  writeFileSync(join(out, 'app.js'), '');
  writeFileSync(join(out, 'app.css'), '');
  // esbuild's metafile names inputs relative to its working directory (the root).
  writeBuildStamp(out, root, ['app/main.tsx', 'app/examples.ts', 'node_modules/graphiql/index.js']);
});

describe('staleBuildReason', () => {
  it('is null right after a build', () => {
    expect(staleBuildReason(out, root)).toBeNull();
  });

  it('names a changed or removed source', () => {
    writeFileSync(join(root, 'app', 'examples.ts'), 'examples v2');
    expect(staleBuildReason(out, root)).toBe('app/examples.ts changed');
    rmSync(join(root, 'app', 'main.tsx'));
    expect(staleBuildReason(out, root)).toBe('app/main.tsx changed');
  });

  it('goes by package-lock.json for bundled dependencies', () => {
    writeFileSync(join(root, 'package-lock.json'), '{"lock":2}');
    expect(staleBuildReason(out, root)).toBe('package-lock.json changed');
  });

  it('says so when an asset or the stamp is missing', () => {
    rmSync(join(out, 'build-stamp.json'));
    expect(staleBuildReason(out, root)).toMatch(/no readable build-stamp.json/);
    rmSync(join(out, 'app.css'));
    expect(staleBuildReason(out, root)).toBe('app.css is not built');
  });
});
