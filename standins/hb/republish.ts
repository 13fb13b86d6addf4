/**
 * HB's nightly job, run again: publishes a new export from the newest one with some
 * rows edited — what the real system does when its data changes between nights.
 * Used by tests and demos to make "a change in the real system".
 */
import { createReadStream } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Transform } from 'node:stream';
import iconv from 'iconv-lite';
import { parse } from 'csv-parse';
import { HbExportFiles } from './export-files.ts';
import { HB_ENTITIES, HB_HEADERS, dataFileName, type HbEntity } from './format.ts';
import { hbExportsDir } from './writer.ts';

/** Edit one row (fields in header order); return the row to keep, or null to drop it. */
export type RowEdit = (entity: HbEntity, row: string[], headers: readonly string[]) => string[] | null;

/** The newest complete export's name in `dir`. */
export async function newestExport(dir: string): Promise<string> {
  const names = (await readdir(dir)).flatMap((n) => /^(hb-export-\d{8}T\d{6})\.manifest\.json$/.exec(n)?.[1] ?? []).sort();
  if (!names.length) throw new Error(`no complete HB export in ${dir} to republish`);
  return names[names.length - 1];
}

/** `assistance`: the 協查 file's rows, when HB holds requests; `steps`: its steps file's (standins/hb/assistance.ts). */
export async function republishHbExport(
  dataDir: string,
  at: Date,
  edit: RowEdit,
  assistance?: readonly (readonly (string | null)[])[],
  steps?: readonly (readonly (string | null)[])[],
): Promise<string> {
  const dir = hbExportsDir(dataDir);
  const source = await newestExport(dir);
  const files = new HbExportFiles(dir, at);
  if (files.name <= source) throw new Error(`new export ${files.name} must be later than ${source}`);
  for (const entity of HB_ENTITIES) {
    const rows = createReadStream(join(dir, dataFileName(source, entity)))
      .pipe(iconv.decodeStream('gbk') as unknown as Transform)
      .pipe(parse({ from_line: 2 }));
    for await (const row of rows as AsyncIterable<string[]>) {
      const kept = edit(entity, row, HB_HEADERS[entity]);
      if (kept) await files.row(entity, kept);
    }
  }
  if (assistance) await files.assistance(assistance);
  if (steps) await files.assistanceSteps(steps);
  await files.complete();
  return files.name;
}
