/**
 * Whether the GraphiQL build in dist/graphiql/ is up to date, so `npm start` can skip it.
 *
 * The build writes `build-stamp.json` beside the assets: a digest of every project file
 * esbuild bundled (from its metafile: the app, the page config, the examples…) and of
 * package-lock.json, which pins every node_modules file it bundled (GraphiQL, React).
 * The build is fresh when the assets are there and every digest still matches; a changed,
 * removed or renamed source makes it stale. Content digests rather than modification
 * times: a checkout, a branch switch or a copied tree sets times that say nothing.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { ASSETS } from './assets.ts';

export const BUILD_STAMP_FILE = 'build-stamp.json';

interface BuildStamp {
  /** Project files bundled (relative to the repository root) → sha256. */
  inputs: Record<string, string>;
  /** sha256 of package-lock.json: the bundled dependencies' versions. */
  lock: string;
}

function digest(file: string): string | null {
  return existsSync(file) ? createHash('sha256').update(readFileSync(file)).digest('hex') : null;
}

/** Records what a build in `outDir` was made from; `inputs` are esbuild's metafile input paths (relative to `root`). */
export function writeBuildStamp(outDir: string, root: string, inputs: readonly string[]): void {
  const own = inputs.filter((path) => !path.split(/[\\/]/).includes('node_modules'));
  const stamp: BuildStamp = {
    inputs: Object.fromEntries(own.map((path) => [relative(root, resolve(root, path)), digest(resolve(root, path)) ?? ''])),
    lock: digest(join(root, 'package-lock.json')) ?? '',
  };
  writeFileSync(join(outDir, BUILD_STAMP_FILE), `${JSON.stringify(stamp, null, 2)}\n`);
}

/** Why the build in `outDir` must be made again, or null when it is up to date. */
export function staleBuildReason(outDir: string, root: string): string | null {
  const missing = ASSETS.find((a) => !existsSync(join(outDir, a.file)));
  if (missing) return `${missing.file} is not built`;
  let stamp: BuildStamp;
  try {
    stamp = JSON.parse(readFileSync(join(outDir, BUILD_STAMP_FILE), 'utf8')) as BuildStamp;
  } catch {
    return `no readable ${BUILD_STAMP_FILE} (built by an older version)`;
  }
  if (!stamp.inputs || Object.keys(stamp.inputs).length === 0) return `${BUILD_STAMP_FILE} lists no sources`;
  if (digest(join(root, 'package-lock.json')) !== stamp.lock) return 'package-lock.json changed';
  for (const [path, hash] of Object.entries(stamp.inputs)) {
    if (digest(join(root, path)) !== hash) return `${path} changed`;
  }
  return null;
}
