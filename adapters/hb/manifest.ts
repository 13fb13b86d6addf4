/**
 * Finding and vetting HB exports. An export is complete when its manifest exists; its
 * manifest is trusted only as far as it names exactly the files an export of that name
 * must have — anything else (another directory, `..`, a different export's file) is a
 * path trick and refuses the whole export.
 */
import { readFile, readdir, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { AdapterError } from '../adapter.ts';

export const ENTITIES = ['persons', 'vehicles', 'cases', 'case-parties', 'case-vehicles', 'case-officers', 'wanted', 'alerts'] as const;
export type Entity = (typeof ENTITIES)[number];
/**
 * Files an export may carry beyond the data: `assistance`, the 協查 requests HB holds and
 * its answers (adapters/hb/assistance.ts). Vetted like the others; never imported into the index.
 */
export const OPTIONAL_ENTITIES = ['assistance', 'assistance-steps'] as const;
export type OptionalEntity = (typeof OPTIONAL_ENTITIES)[number];

const MANIFEST = /^(hb-export-\d{8}T\d{6})\.manifest\.json$/;

export interface ExportFile {
  entity: Entity | OptionalEntity;
  path: string;
  rows: number;
  bytes: number;
}

export interface VettedExport {
  name: string;
  files: Map<Entity, ExportFile>;
  /** Optional files the export carries (OPTIONAL_ENTITIES). */
  extras: Map<OptionalEntity, ExportFile>;
}

const refuse = (exportName: string, why: string, cause?: unknown): never => {
  throw new AdapterError('BAD_SOURCE_DATA', 'HB', `export ${exportName}: ${why}`, { cause });
};

/** Names of complete exports in `dir`, newest first. */
export async function completeExports(dir: string): Promise<string[]> {
  const names = await readdir(dir).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return [] as string[];
    throw new AdapterError('UNAVAILABLE', 'HB', `cannot list the HB exports directory "${dir}": ${error.message}`, { cause: error });
  });
  return names
    .flatMap((n) => MANIFEST.exec(n)?.[1] ?? [])
    .sort()
    .reverse();
}

function isCount(value: unknown): value is number {
  return Number.isSafeInteger(value) && (value as number) >= 0;
}

/** Read and check an export's manifest and the files it names; BAD_SOURCE_DATA on any doubt. */
export async function vetExport(dir: string, name: string): Promise<VettedExport> {
  let manifest: { export?: unknown; files?: unknown };
  try {
    manifest = JSON.parse(await readFile(join(dir, `${name}.manifest.json`), 'utf8'));
  } catch (error) {
    return refuse(name, `manifest is not readable JSON: ${(error as Error).message}`, error);
  }
  if (manifest.export !== name) refuse(name, `manifest names export "${String(manifest.export)}", expected "${name}"`);
  if (!Array.isArray(manifest.files)) refuse(name, 'manifest has no "files" list');
  const files = new Map<Entity, ExportFile>();
  const extras = new Map<OptionalEntity, ExportFile>();
  for (const entry of manifest.files as { entity?: unknown; file?: unknown; rows?: unknown; bytes?: unknown }[]) {
    const entity = entry?.entity as Entity;
    const optional = OPTIONAL_ENTITIES.includes(entity as never);
    if (!ENTITIES.includes(entity) && !optional)
      refuse(name, `manifest lists unknown entity "${String(entity)}"; expected one of ${[...ENTITIES, ...OPTIONAL_ENTITIES].join(', ')}`);
    const expected = `${name}-${entity}.csv`;
    if (entry.file !== expected || basename(String(entry.file)) !== entry.file) {
      refuse(name, `manifest names file "${String(entry.file)}" for ${entity}; only "${expected}" in the exports directory is accepted`);
    }
    if (!isCount(entry.rows) || !isCount(entry.bytes)) refuse(name, `manifest entry for ${entity} lacks whole-number "rows" and "bytes"`);
    if (files.has(entity) || extras.has(entity as never)) refuse(name, `manifest lists ${entity} twice`);
    const file = { entity, path: join(dir, expected), rows: entry.rows as number, bytes: entry.bytes as number };
    if (optional) extras.set(entity as never as OptionalEntity, file);
    else files.set(entity, file);
  }
  const missing = ENTITIES.filter((e) => !files.has(e));
  if (missing.length) refuse(name, `manifest lacks ${missing.join(', ')}`);
  for (const file of [...files.values(), ...extras.values()]) {
    const size = await stat(file.path).then(
      (s) => s.size,
      () => -1,
    );
    if (size < 0) refuse(name, `file ${basename(file.path)} named by the manifest does not exist`);
    if (size !== file.bytes)
      refuse(name, `file ${basename(file.path)} has ${size} bytes, the manifest says ${file.bytes}: truncated or overwritten`);
  }
  return { name, files, extras };
}
