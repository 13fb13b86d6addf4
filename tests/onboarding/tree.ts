/**
 * A throw-away copy of the source tree, so an onboarding test can scaffold and fill in
 * a region's adapter folder (adapters/<code>/ must sit beside adapters/adapter.ts, where
 * the subgraph's loader looks) without touching the working tree. node_modules is
 * linked, not copied.
 */
import { cpSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from '../../scripts/lib/children.ts';

const COPIED = [
  'common',
  'adapters',
  'tests',
  'subgraphs',
  'schema',
  'gateway',
  'scripts',
  'standins',
  'config',
  'package.json',
  'tsconfig.json',
  'vitest.config.ts',
];

export interface TreeCopy {
  root: string;
  remove(): void;
}

export function copyTree(): TreeCopy {
  const root = mkdtempSync(join(tmpdir(), 'liandong-tree-'));
  for (const entry of COPIED) {
    cpSync(join(ROOT, entry), join(root, entry), { recursive: true, filter: (src) => !src.includes('/.data') });
  }
  symlinkSync(join(ROOT, 'node_modules'), join(root, 'node_modules'), 'dir');
  return { root, remove: () => rmSync(root, { recursive: true, force: true }) };
}
