import { describe, expect, it } from 'vitest';
import { InvalidationLog } from './invalidation-log.ts';
import { MemoryStore } from './memory-store.ts';
import { CacheMetrics } from './metrics.ts';

describe('the memory store', () => {
  it('drops exactly the entries carrying an invalidated tag', async () => {
    const store = new MemoryStore(1024 * 1024, new CacheMetrics());
    await store.setMany([
      { key: 'a', value: '1', tags: ['r:JS', 'id:1'], ttlSeconds: 60 },
      { key: 'b', value: '2', tags: ['r:GZ', 'id:1'], ttlSeconds: 60 },
      { key: 'c', value: '3', tags: ['r:GZ', 'id:2'], ttlSeconds: 60 },
    ]);
    expect(await store.invalidate(['id:1'])).toBe(2);
    expect(await store.getMany(['a', 'b', 'c'])).toEqual([null, null, '3']);
    expect(await store.invalidate(['r:GZ'])).toBe(1);
    expect(await store.getMany(['c'])).toEqual([null]);
  });

  it('stays within its byte bound and counts what it evicted', async () => {
    const metrics = new CacheMetrics();
    const store = new MemoryStore(64 * 1024, metrics);
    const value = 'x'.repeat(1000);
    await store.setMany(Array.from({ length: 100 }, (_, i) => ({ key: `k${i}`, value, tags: ['r:JS'], ttlSeconds: 60 })));
    expect(store.size).toBeLessThan(100);
    expect(await store.getMany(['k99'])).toEqual([value]);
    const evicted = (await metrics.evictions.get()).values.find((v) => v.labels.reason === 'evict')?.value ?? 0;
    expect(evicted).toBe(100 - store.size);
    // Evicted entries left the tag index: invalidating the tag drops only what is still held.
    const held = store.size;
    expect(await store.invalidate(['r:JS'])).toBe(held);
    expect(store.size).toBe(0);
  });
});

describe('the invalidation log', () => {
  it('tells a fetch whether something it would store was invalidated since it started', () => {
    const log = new InvalidationLog(3);
    const mark = log.mark();
    expect(log.touchedSince(mark, ['id:1'])).toBe(false);
    log.record(['id:2']);
    expect(log.touchedSince(mark, ['id:1'])).toBe(false);
    log.record(['id:1']);
    expect(log.touchedSince(mark, ['id:1'])).toBe(true);
    for (let i = 0; i < 5; i += 1) log.record([`x:${i}`]);
    // Older than the log remembers: assume the worst.
    expect(log.touchedSince(mark, ['id:9'])).toBe(true);
  });
});
