/**
 * Builds the GraphiQL page's assets at build time (`npm run build`): the app and
 * GraphiQL bundled by esbuild into one JS and one CSS file under dist/graphiql/, which
 * the gateway serves from its own origin. Air-gapped networks: nothing may be fetched
 * from elsewhere, so the build fails if the output would load anything by absolute URL
 * (fonts and images are inlined as data: URLs by GraphiQL's own CSS; see offline-check.ts).
 *
 *   node --import tsx gateway/graphiql/build.ts [--out DIR]
 */
import { build } from 'esbuild';
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ASSETS, DEFAULT_ASSETS_DIR } from './assets.ts';
import { writeBuildStamp } from './build-stamp.ts';
import { fetchedExternalUrls } from './offline-check.ts';

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = resolve(HERE, '..', '..');

export async function buildGraphiql(outDir = DEFAULT_ASSETS_DIR): Promise<{ outDir: string; bytes: Record<string, number> }> {
  const result = await build({
    absWorkingDir: ROOT,
    // Its inputs go into the build stamp, so `npm start` can tell a fresh build from a stale one.
    metafile: true,
    entryPoints: { app: join(HERE, 'app', 'main.tsx') },
    outdir: outDir,
    bundle: true,
    minify: true,
    format: 'esm',
    target: 'es2022',
    jsx: 'automatic',
    sourcemap: false,
    legalComments: 'none',
    define: { 'process.env.NODE_ENV': '"production"' },
    logLevel: 'warning',
  });
  const bytes: Record<string, number> = {};
  for (const asset of ASSETS) {
    const text = readFileSync(join(outDir, asset.file), 'utf8');
    const external = fetchedExternalUrls(text, asset.kind);
    if (external.length > 0) throw new Error(`${asset.file} would fetch from outside the gateway: ${external.join(', ')}`);
    bytes[asset.file] = Buffer.byteLength(text);
  }
  // This file too: a change to how the bundle is made makes the last one stale.
  writeBuildStamp(outDir, ROOT, [...Object.keys(result.metafile.inputs), fileURLToPath(import.meta.url)]);
  return { outDir, bytes };
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const at = process.argv.indexOf('--out');
  const { outDir, bytes } = await buildGraphiql(at > 0 ? resolve(process.argv[at + 1]) : undefined);
  const sizes = Object.entries(bytes)
    .map(([file, n]) => `${file} ${(n / 1024).toFixed(0)} KiB`)
    .join(', ');
  process.stdout.write(`graphiql built into ${outDir}: ${sizes}\n`);
}
