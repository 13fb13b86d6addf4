/**
 * Finding a region's adapter by its code: `adapters/<code lower>/index.ts`, which must
 * export `createAdapter: AdapterFactory`. Adding a region is adding that folder (and a
 * registry entry) — no server code changes.
 */
import { access } from 'node:fs/promises';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { type AdapterOptions, BATCH_METHODS, type RegionAdapter } from './adapter.ts';

const REGION_CODE = /^[A-Z]{2,3}$/;
const ADAPTERS_DIR = new URL('./', import.meta.url);

/** Methods the subgraph server calls; checked at load so a gap fails at start, not mid-query. */
const REQUIRED_METHODS = [...BATCH_METHODS, 'searchPersons', 'searchCases', 'searchVehicles', 'health', 'close'] as const;

export function adapterModuleUrl(code: string, adaptersDir: URL = ADAPTERS_DIR): URL {
  return new URL(`${code.toLowerCase()}/index.ts`, adaptersDir);
}

function checkAdapter(code: string, file: string, adapter: RegionAdapter): void {
  if (adapter?.region?.code !== code) {
    throw new Error(`adapter for region ${code} (${file}) reports region ${JSON.stringify(adapter?.region?.code)}, expected "${code}"`);
  }
  const missing = REQUIRED_METHODS.filter((name) => typeof adapter[name] !== 'function');
  if (missing.length > 0) throw new Error(`adapter for region ${code} (${file}) lacks the methods ${missing.join(', ')}`);
}

/**
 * Import and build the adapter of region `code` (e.g. `JS`).
 * `adaptersDir` is for tests; by default the adapters beside this file.
 */
export async function loadAdapter(code: string, options: AdapterOptions, adaptersDir?: URL): Promise<RegionAdapter> {
  if (typeof code !== 'string' || !REGION_CODE.test(code)) {
    throw new Error(`region code ${JSON.stringify(code)} is not valid: expected 2–3 upper-case letters such as "JS"`);
  }
  const url = adapterModuleUrl(code, adaptersDir);
  const file = fileURLToPath(url);
  try {
    await access(url);
  } catch {
    throw new Error(`no adapter for region ${code}: expected ${file} exporting createAdapter`);
  }
  const module: { createAdapter?: unknown } = await import(pathToFileURL(file).href);
  if (typeof module.createAdapter !== 'function') {
    throw new Error(`adapter module for region ${code} (${file}) does not export a createAdapter function`);
  }
  const adapter = await (module.createAdapter as (o: AdapterOptions) => Promise<RegionAdapter>)(options);
  checkAdapter(code, file, adapter);
  return adapter;
}
