/**
 * Prepared SQLite statements, kept per database and SQL text. Compiling the SQL costs more
 * than running a keyed lookup, so code that runs the same few texts on every request
 * (the SQL-backed adapters, the GZ stand-in's legacy service) prepares each text once.
 */
import type Database from 'better-sqlite3';

/** Prepared statements kept per database, at most this many (the oldest is dropped first). */
const STATEMENTS_PER_DB = 256;
const statements = new WeakMap<Database.Database, Map<string, Database.Statement>>();

/**
 * `db.prepare(sql)`, once per text. Bounded, because search texts vary with the filters
 * sent; SQL text is always the caller's own, values are always bound parameters.
 */
export function statement(db: Database.Database, sql: string): Database.Statement {
  let cache = statements.get(db);
  if (!cache) statements.set(db, (cache = new Map()));
  let prepared = cache.get(sql);
  if (!prepared) {
    prepared = db.prepare(sql);
    if (cache.size >= STATEMENTS_PER_DB) cache.delete(cache.keys().next().value!);
    cache.set(sql, prepared);
  }
  return prepared;
}
