/**
 * What the entity cache keeps its entries in: the bounded in-memory LRU (default) or
 * Redis (shared by gateway replicas). Values are JSON text; every entry carries tags
 * (`region`, `record`, global keys — see tags.ts) so a change event can find and drop it.
 *
 * Stores may fail (Redis down or slow): every method may reject, and the caller then
 * answers without the cache. None may block a query for longer than its command timeout.
 */
export interface CacheEntry {
  key: string;
  value: string;
  tags: readonly string[];
  ttlSeconds: number;
}

export interface CacheStore {
  readonly kind: 'memory' | 'redis';
  /** Values in the order of `keys`; null where absent. */
  getMany(keys: readonly string[]): Promise<(string | null)[]>;
  setMany(entries: readonly CacheEntry[]): Promise<void>;
  /** Drops every entry carrying any of `tags`; resolves to how many were dropped. */
  invalidate(tags: readonly string[]): Promise<number>;
  close(): Promise<void>;
}

/** A store command that failed; `operation` is for the metric and the log line. */
export class StoreError extends Error {
  constructor(
    readonly store: string,
    readonly operation: string,
    cause: unknown,
  ) {
    super(`${store} cache store: ${operation} failed: ${(cause as Error)?.message ?? String(cause)}`, { cause });
    this.name = 'StoreError';
  }
}
