/**
 * The gateway's entity cache: cross-request caching of region answers that never
 * crosses a permission boundary and never serves a stale wanted status.
 *
 * What is cached. Per region, the entities of routed (`records`) and fanned-out
 * (`index`) `_entities` fetches, one entry per representation, and root lookups by key
 * (`person(idNumber:)`, `vehicle(plate:)`, `case(id:)`, `personRecord(id:)`,
 * `vehicleRecord(id:)`) one entry per region request. Searches are never cached. Keys
 * (keys.ts) hold the subgraph, region, type and entity key, a hash of the fetch's
 * selection and the caller's `authorisationPartition`: two officers with different
 * permissions never share an entry. Only what missed is sent to the regions; hits are
 * spliced back in the planner's order (entity-cache.ts); `context.report.cache` counts
 * hits and misses, and a region answered wholly from cache reports status `cached`.
 *
 * Stores (store.ts). A byte-bounded in-memory LRU by default (memory-store.ts); Redis,
 * shared by replicas, when `cache.store` is "redis" or REDIS_URL is set (redis-store.ts).
 * TTLs per entity type (config.ts) only bound staleness if an event is lost.
 *
 * Freshness. Each region's subgraph publishes its adapter's change feed
 * (subgraphs/changes/) on `GET /changes` (SSE) and on Redis pub/sub
 * `liandong:changes:<REGION>`; the gateway follows one of them (feeds.ts) and evicts at
 * once by tag (tags.ts): the changed record, and every index entry of the idNumbers and
 * plates it touches. A gap in a stream's sequence, a publisher restart or a reconnect
 * drops the region's entries (region-stream.ts). A fetch touching `WantedNotice`,
 * `VehicleAlert` or `wanted` / `alerted` / `wantedNotices` / `alerts` bypasses the
 * cache for a region whose invalidation is not live (stream connected, heartbeat
 * recent — heartbeats only flow while the region's change feed is being read).
 *
 * Failure. A store that fails or is slower than `redisTimeoutMs` counts as a miss; the
 * query goes on, a line is logged and `liandong_cache_store_errors_total` counts it.
 * Redis reconnects by itself; evictions it missed are replayed before it is read again.
 *
 * Whole answers (response-cache.ts, `cache.responses`, on by default): a query whose
 * every fetch went through the entity cache is kept as one entry per authorisation
 * partition, tagged with all its items' tags, so a repeated query skips planning and
 * fan-out, and is evicted by the same change events.
 *
 * Metrics (metrics.ts): hits, misses (per type), evictions, invalidations (per region
 * and type), bypasses (per reason), responses (per outcome), store errors, on
 * `cache.metrics.registry`.
 */
import type { Logger } from 'pino';
import type { CacheConfig } from './config.ts';
import type { GatewayInterface } from '@apollo/server-gateway-interface';
import { EntityCache, type RegionRequestCache } from './entity-cache.ts';
import { RegionFeeds, type StreamSigner } from './feeds.ts';
import type { ChangeStreams, StreamListener, StreamPosition } from '../../common/changes/listener.ts';
import type { ChangeEvent } from '../../common/changes/event.ts';
import { InvalidationLog } from './invalidation-log.ts';
import { Invalidator } from './invalidator.ts';
import { MemoryStore } from './memory-store.ts';
import { CacheMetrics } from './metrics.ts';
import { RedisStore } from './redis-store.ts';
import { ResponseCache } from './response-cache.ts';
import type { CacheStore } from './store.ts';
import type { RegionEntry } from '../federation/data-sources/types.ts';

export interface GatewayCache {
  /** What the region data sources consult; null when `cache.enabled` is false. */
  requests: RegionRequestCache | null;
  /** Wraps the gateway with the response cache; null when `cache.enabled` or `cache.responses` is false. */
  wrapGateway: ((gateway: GatewayInterface) => GatewayInterface) | null;
  metrics: CacheMetrics;
  /** Starts following the regions' change streams now rather than at the first query. */
  follow(regions: readonly RegionEntry[]): void;
  /**
   * The same one stream per region, for other readers of change events (gateway/live, the
   * membership filters): `listen` adds a listener beside the invalidator; `isLive` says
   * whether a region's stream is connected and heard from recently; `position` where its
   * unbroken run stands.
   */
  changes: ChangeStreams;
  close(): Promise<void>;
}

/** `regions(request)`: the regions a request runs over (the registry); the response cache keys on them. */
export function createGatewayCache(
  config: CacheConfig,
  logger: Logger,
  sign?: StreamSigner,
  regions?: (request: unknown) => readonly RegionEntry[],
): GatewayCache {
  const metrics = new CacheMetrics();
  const log = logger.child({ component: 'cache' });
  const listeners = new StreamListeners();
  const feeds = new RegionFeeds(
    { transport: config.changes, redisUrl: config.redisUrl, heartbeatTimeoutMs: config.heartbeatTimeoutMs, logger: log, sign },
    listeners,
  );
  const changes: ChangeStreams = {
    listen: (listener) => listeners.add(listener),
    isLive: (region, withinMs) => feeds.isLive(region, withinMs),
    position: (region) => feeds.position(region),
  };
  if (!config.enabled) {
    // No cache, but the streams still feed the other listeners (subscriptions).
    return { requests: null, wrapGateway: null, metrics, follow: (regions) => feeds.sync(regions), changes, close: () => feeds.close() };
  }
  const store = createStore(config, metrics, log);
  const invalidations = new InvalidationLog();
  listeners.add(new Invalidator(store, invalidations, metrics, log));
  const requests = new EntityCache({ config, store, feeds, log: invalidations, metrics, logger: log });
  const responses =
    config.responses && regions
      ? new ResponseCache({ store, feeds, log: invalidations, metrics, regions, onStoreError: (error) => requests.storeFailed(error) })
      : null;
  return {
    requests,
    wrapGateway: responses ? (gateway) => responses.wrapGateway(gateway) : null,
    metrics,
    follow: (regions) => feeds.sync(regions),
    changes,
    async close() {
      await feeds.close();
      await store.close();
    },
  };
}

/** Hands every stream message to each listener, in the order they were added. */
class StreamListeners implements StreamListener {
  private readonly all: StreamListener[] = [];
  add(listener: StreamListener): void {
    this.all.push(listener);
  }
  changed(event: ChangeEvent, at: StreamPosition): void {
    for (const listener of this.all) listener.changed(event, at);
  }
  flush(region: string, why: string): void {
    for (const listener of this.all) listener.flush(region, why);
  }
  resumed(region: string, from: StreamPosition): void {
    for (const listener of this.all) listener.resumed?.(region, from);
  }
}

function createStore(config: CacheConfig, metrics: CacheMetrics, logger: Logger): CacheStore {
  if (config.store === 'memory') return new MemoryStore(config.maxBytes, metrics);
  const store = new RedisStore({ url: config.redisUrl!, timeoutMs: config.redisTimeoutMs, metrics, logger });
  store.start();
  return store;
}

export { cacheSection, type CacheConfig } from './config.ts';
export type { RegionRequestCache, SendRequests } from './entity-cache.ts';
export { CacheMetrics } from './metrics.ts';
