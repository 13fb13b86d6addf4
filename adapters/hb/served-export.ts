/**
 * One indexed export being served: its read-only index connection and the SQL core over
 * it. Preparing the index (prepareIndex: vet, build) runs in the intake thread
 * (intake.ts); opening a finished index is cheap and happens on the serving thread.
 */
import Database from 'better-sqlite3';
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { SqlRecords } from '../support/sql-adapter.ts';
import { buildIndex } from './importer.ts';
import { HB_LAYOUT } from './layout.ts';
import { vetExport } from './manifest.ts';

/** Vet export `name` and index it unless an index of it already exists; the index's path. */
export async function prepareIndex(exportsDir: string, indexDir: string, name: string): Promise<string> {
  const vetted = await vetExport(exportsDir, name);
  await mkdir(indexDir, { recursive: true });
  const indexPath = join(indexDir, `${name}.sqlite`);
  if (!existsSync(indexPath)) await buildIndex(vetted, indexPath);
  return indexPath;
}

export class ServedExport {
  readonly records: SqlRecords;

  private constructor(
    readonly name: string,
    readonly indexPath: string,
    readonly db: Database.Database,
  ) {
    this.records = new SqlRecords(db, HB_LAYOUT);
  }

  /** Open the finished index of export `name` (from prepareIndex) for serving. */
  static open(name: string, indexPath: string): ServedExport {
    return new ServedExport(name, indexPath, new Database(indexPath, { readonly: true, fileMustExist: true }));
  }

  persons(): number {
    return (this.db.prepare('SELECT count(*) AS n FROM person').get() as { n: number }).n;
  }

  close(): void {
    if (this.db.open) this.db.close();
  }
}
