/**
 * Batch lookups shared by every adapter: unique keys go to the regional system in
 * bounded chunks (SQLite caps bound parameters; services cap batch sizes), answers come
 * back in the caller's order with null / [] where the region has nothing.
 */

export function chunk<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** Fetch rows for the unique keys, chunk by chunk; `fetch` may return rows in any order. */
export function fetchChunked<R>(keys: readonly string[], size: number, fetch: (chunk: string[]) => R[]): R[] {
  const unique = [...new Set(keys.filter((k) => typeof k === 'string'))];
  return chunk(unique, size).flatMap(fetch);
}

/** One answer per key, in input order: the row whose key matches, or null. */
export function onePerKey<T>(keys: readonly string[], rows: readonly T[], keyOf: (row: T) => string): (T | null)[] {
  const byKey = new Map(rows.map((row) => [keyOf(row), row]));
  return keys.map((key) => byKey.get(key) ?? null);
}

/** All answers per key, in input order (rows keep the order they were fetched in). */
export function manyPerKey<T>(keys: readonly string[], rows: readonly T[], keyOf: (row: T) => string): T[][] {
  const byKey = new Map<string, T[]>();
  for (const row of rows) {
    const key = keyOf(row);
    const list = byKey.get(key);
    if (list) list.push(row);
    else byKey.set(key, [row]);
  }
  return keys.map((key) => [...(byKey.get(key) ?? [])]);
}
