/** One indexed export being served: its read-only index connection and the SQL core over it. */
import Database from 'better-sqlite3';
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { SqlRecords } from '../support/sql-adapter.ts';
import { buildIndex } from './importer.ts';
import { HB_LAYOUT } from './layout.ts';
import { vetExport } from './manifest.ts';

export class ServedExport {
  readonly records: SqlRecords;

  private constructor(readonly name: string, readonly indexPath: string, readonly db: Database.Database) {
    this.records = new SqlRecords(db, HB_LAYOUT);
  }

  /** Vet export `name`, index it unless an index of it already exists, and open the index. */
  static async open(exportsDir: string, indexDir: string, name: string): Promise<ServedExport> {
    const vetted = await vetExport(exportsDir, name);
    await mkdir(indexDir, { recursive: true });
    const indexPath = join(indexDir, `${name}.sqlite`);
    if (!existsSync(indexPath)) await buildIndex(vetted, indexPath);
    return new ServedExport(name, indexPath, new Database(indexPath, { readonly: true, fileMustExist: true }));
  }

  persons(): number {
    return (this.db.prepare('SELECT count(*) AS n FROM person').get() as { n: number }).n;
  }

  close(): void {
    if (this.db.open) this.db.close();
  }
}
