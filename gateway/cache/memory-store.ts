/**
 * The default store: an LRU bounded by approximate bytes (lru-cache), with a tag index
 * so change events evict in O(entries tagged). Per replica; nothing survives a restart.
 */
import { LRUCache } from 'lru-cache';
import type { CacheMetrics } from './metrics.ts';
import type { CacheEntry, CacheStore } from './store.ts';

interface Stored {
  value: string;
  tags: readonly string[];
}

export class MemoryStore implements CacheStore {
  readonly kind = 'memory' as const;
  private readonly byTag = new Map<string, Set<string>>();
  private readonly lru: LRUCache<string, Stored>;

  constructor(
    maxBytes: number,
    private readonly metrics: CacheMetrics,
  ) {
    this.lru = new LRUCache<string, Stored>({
      maxSize: maxBytes,
      // UTF-16 strings: two bytes a character, plus a rough per-entry overhead.
      sizeCalculation: (stored, key) => 2 * (key.length + stored.value.length) + 64 * (stored.tags.length + 1),
      ttlAutopurge: false,
      dispose: (stored, key, reason) => this.forget(key, stored, reason),
    });
  }

  async getMany(keys: readonly string[]): Promise<(string | null)[]> {
    return keys.map((key) => this.lru.get(key)?.value ?? null);
  }

  async setMany(entries: readonly CacheEntry[]): Promise<void> {
    for (const { key, value, tags, ttlSeconds } of entries) {
      this.lru.set(key, { value, tags }, { ttl: ttlSeconds * 1000 });
      for (const tag of tags) {
        let keys = this.byTag.get(tag);
        if (!keys) this.byTag.set(tag, (keys = new Set()));
        keys.add(key);
      }
    }
  }

  async invalidate(tags: readonly string[]): Promise<number> {
    let dropped = 0;
    for (const tag of tags) {
      for (const key of [...(this.byTag.get(tag) ?? [])]) {
        if (this.lru.delete(key)) dropped += 1;
      }
      this.byTag.delete(tag);
    }
    return dropped;
  }

  async close(): Promise<void> {
    this.lru.clear();
  }

  get size(): number {
    return this.lru.size;
  }

  /** Keeps the tag index in step with the LRU, whatever removed the entry. */
  private forget(key: string, stored: Stored, reason: LRUCache.DisposeReason): void {
    // A `set` over an existing key keeps it tagged (same key, same tags); only removals untag.
    if (reason === 'set') return;
    if (reason === 'evict' || reason === 'expire') this.metrics.evictions.inc({ reason });
    for (const tag of stored.tags) {
      const keys = this.byTag.get(tag);
      keys?.delete(key);
      if (keys?.size === 0) this.byTag.delete(tag);
    }
  }
}
