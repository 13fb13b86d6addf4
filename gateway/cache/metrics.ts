/**
 * The cache's Prometheus counters, on a registry of their own so the metrics endpoint
 * adds them in one line (`Registry.merge([main, cache.metrics.registry])`) and several
 * gateways in one process (tests) do not collide.
 */
import { Counter, Registry } from 'prom-client';

export class CacheMetrics {
  readonly registry = new Registry();
  readonly hits = this.counter('liandong_cache_hits_total', 'Entity cache hits, by entity type.', ['type']);
  readonly misses = this.counter('liandong_cache_misses_total', 'Entity cache misses (fetched from the region), by entity type.', ['type']);
  readonly evictions = this.counter(
    'liandong_cache_evictions_total',
    'Entries dropped by the memory store to stay within its size bound or TTL.',
    ['reason'],
  );
  readonly invalidations = this.counter(
    'liandong_cache_invalidations_total',
    'Change events (or whole-region flushes) applied, by entity type.',
    ['region', 'type'],
  );
  readonly responses = this.counter(
    'liandong_cache_responses_total',
    'Queries seen by the response cache: hit, miss-stored, miss-uncacheable, bypass-<reason>.',
    ['outcome'],
  );
  readonly bypasses = this.counter('liandong_cache_bypasses_total', 'Fetches that skipped the cache, by reason.', ['reason']);
  readonly storeErrors = this.counter(
    'liandong_cache_store_errors_total',
    'Cache store commands that failed or timed out (the query went on without cache).',
    ['store', 'operation'],
  );

  private counter<L extends string>(name: string, help: string, labelNames: L[]): Counter<L> {
    return new Counter({ name, help, labelNames, registers: [this.registry] });
  }
}
