/**
 * The JS database file as the adapter sees it: opened read-only, and opened again when
 * the file at the path is replaced. A re-seed (or a restore from backup) renames a new
 * file over the old one; a connection to the old inode would go on serving the old data
 * and following a change log that no longer grows, silently.
 *
 * Each opened file is one *epoch* of the change log: its sequence numbers mean nothing in
 * another file, so change positions carry the epoch (changes.ts).
 */
import { statSync } from 'node:fs';
import Database from 'better-sqlite3';
import { AdapterError } from '../adapter.ts';

export interface OpenedDatabase {
  db: Database.Database;
  /** Identifies this file: device, inode and birth time. A replaced file has another. */
  epoch: string;
}

export class JsDatabaseFile {
  private opened: OpenedDatabase;
  private readonly listeners = new Set<(opened: OpenedDatabase) => void>();

  constructor(private readonly path: string) {
    this.opened = open(path);
  }

  get current(): OpenedDatabase {
    return this.opened;
  }

  /** Called with the new database each time the file was replaced and reopened. */
  onReopen(listener: (opened: OpenedDatabase) => void): void {
    this.listeners.add(listener);
  }

  /**
   * Reopens when the path names another file than the open one; true when it did. Cheap
   * (one stat): the change feed calls it on every poll, which bounds how long lookups
   * may read a replaced file to one poll interval.
   */
  refresh(): boolean {
    let epoch: string;
    try {
      epoch = epochOf(this.path);
    } catch {
      return false; // mid-rename or gone: keep serving the open file; health() reports a broken one
    }
    if (epoch === this.opened.epoch) return false;
    const previous = this.opened;
    this.opened = open(this.path);
    for (const listener of this.listeners) listener(this.opened);
    previous.db.close();
    return true;
  }

  close(): void {
    if (this.opened.db.open) this.opened.db.close();
  }
}

function epochOf(path: string): string {
  const stat = statSync(path, { bigint: true });
  return `${stat.dev.toString(36)}-${stat.ino.toString(36)}-${stat.birthtimeNs.toString(36)}`;
}

function open(path: string): OpenedDatabase {
  try {
    const epoch = epochOf(path);
    const db = new Database(path, { fileMustExist: true });
    // Liandong only reads: refuse writes on this connection whatever the SQL.
    db.pragma('query_only = ON');
    return { db, epoch };
  } catch (error) {
    // For the operator starting the subgraph (callers never see it: health() names no path).
    throw new AdapterError(
      'UNAVAILABLE',
      'JS',
      `cannot open the JS database "${path}" (run \`npm run seed\` first?): ${(error as Error).message}`,
      { cause: error },
    );
  }
}
