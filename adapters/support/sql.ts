/**
 * SQLite helpers shared by the SQL-backed adapters (JS reads its system's database;
 * HB reads the index it builds from the exports): chunked `IN (…)` lookups and
 * keyset-paged searches. SQL text is always the adapter's own constant; values are
 * always bound parameters.
 */
import type Database from 'better-sqlite3';
import type { Page, PageRequest } from '../adapter.ts';
import { fetchChunked } from './batch.ts';
import { checkPage, decodeCursor, toPage, type SearchKind } from './paging.ts';
import { statement } from '../../common/sqlite/statements.ts';

/** SQLite's default limit on bound parameters is 32766; stay far below it. */
export const IN_CHUNK = 500;

export const placeholders = (n: number) => Array.from({ length: n }, () => '?').join(', ');

/**
 * The `IN` list length a chunk of `n` keys is sent with: the next power of two (at most
 * IN_CHUNK), so each lookup has a handful of statement texts rather than one per count.
 */
export function inListSize(n: number): number {
  let size = 1;
  while (size < n) size *= 2;
  return Math.min(size, IN_CHUNK);
}

/** Rows of `sql` (which holds one `IN (%)` for the keys) for every unique key, chunked. */
export function selectIn<R>(db: Database.Database, sql: string, keys: readonly string[]): R[] {
  return fetchChunked(keys, IN_CHUNK, (part) => {
    const size = inListSize(part.length);
    // Padding repeats a key already asked: `IN` matches each row once however often a key is listed.
    const padded = part.length === size ? part : [...part, ...Array<string>(size - part.length).fill(part[0])];
    return statement(db, sql.replace('%', placeholders(size))).all(...padded) as R[];
  });
}

export interface KeysetSearch {
  region: string;
  kind: SearchKind;
  /** `SELECT columns FROM tables` (no WHERE). */
  select: string;
  /** `FROM tables` for the count. */
  from: string;
  /** Filter conditions (ANDed) and their parameters. */
  where: string[];
  params: unknown[];
  /** Sort key columns, most significant first; together they are unique. */
  keyColumns: string[];
}

export function keysetSearch<R extends Record<string, unknown>, T>(
  db: Database.Database,
  search: KeysetSearch,
  page: PageRequest,
  map: (row: R) => T,
): Page<T> {
  const first = checkPage(search.region, page);
  const after = decodeCursor(search.region, search.kind, page.after, search.keyColumns.length);
  const filter = search.where.length ? search.where.join(' AND ') : '1';
  const keyList = search.keyColumns.join(', ');
  const keyset = after ? ` AND (${keyList}) > (${placeholders(after.length)})` : '';
  const rows = statement(db, `${search.select} WHERE ${filter}${keyset} ORDER BY ${keyList} LIMIT ?`).all(
    ...search.params,
    ...(after ?? []),
    first + 1,
  ) as R[];
  const { n } = statement(db, `SELECT count(*) AS n ${search.from} WHERE ${filter}`).get(...search.params) as { n: number };
  const keyNames = search.keyColumns.map((c) => c.split('.').pop()!);
  const withKeys = rows.map((row) => ({ row, key: keyNames.map((k) => String(row[k])) }));
  const page_ = toPage(search.kind, withKeys, first, (x) => x.key, n);
  return { ...page_, items: page_.items.map((x) => map(x.row)) };
}
