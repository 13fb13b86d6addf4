/**
 * The `cache` section of `config/gateway.json`.
 *
 *   "cache": {
 *     "enabled": true,
 *     "responses": true,              // also keep whole answers (response-cache.ts); needs "enabled"
 *     "store": "memory",              // or "redis"; default "redis" when REDIS_URL is set
 *     "redisUrl": "redis://…",        // default $REDIS_URL
 *     "maxBytes": 67108864,           // memory store bound (approximate bytes of keys + values)
 *     "redisTimeoutMs": 100,          // a slower Redis command counts as a failure
 *     "changes": "sse",               // how region change events arrive: "sse" or "redis"
 *     "heartbeatTimeoutMs": 6000,     // a region's invalidation is live while heartbeats are this recent
 *                                     // (never less than 1.5 × the interval the region announces)
 *     "ttlSeconds": { "default": 300, "Person": 60, "WantedNotice": 30, … }
 *   }
 *
 * TTLs bound staleness only when a change event is lost; evictions on change events
 * are what keep answers fresh.
 */
import { boolean, integer, object, oneOf, onlyKeys, optional, redisStore, type ConfigPath } from '../config/check.ts';
import { section } from '../config/section.ts';

export const CACHED_TYPES = ['Person', 'Vehicle', 'PersonRecord', 'Case', 'VehicleRecord', 'WantedNotice', 'VehicleAlert'] as const;
export type CachedType = (typeof CACHED_TYPES)[number];

export interface CacheConfig {
  enabled: boolean;
  /** Whole answers per authorisation partition, on top of the entity cache. */
  responses: boolean;
  store: 'memory' | 'redis';
  redisUrl: string | null;
  maxBytes: number;
  redisTimeoutMs: number;
  changes: 'sse' | 'redis';
  heartbeatTimeoutMs: number;
  /** Seconds per entity type; `default` for anything else. */
  ttlSeconds: Readonly<Record<CachedType | 'default', number>>;
}

const KEYS = [
  'enabled',
  'responses',
  'store',
  'redisUrl',
  'maxBytes',
  'redisTimeoutMs',
  'changes',
  'heartbeatTimeoutMs',
  'ttlSeconds',
] as const;

export const DEFAULT_TTL_SECONDS: CacheConfig['ttlSeconds'] = {
  default: 300,
  Person: 60,
  Vehicle: 60,
  PersonRecord: 300,
  Case: 300,
  VehicleRecord: 300,
  // Served only while the region's invalidation is live; the short TTL is a second fence.
  WantedNotice: 30,
  VehicleAlert: 30,
};

const DAY = 86_400;

export const cacheSection = section({
  key: 'cache',
  validate(raw, at, { env }): CacheConfig {
    const obj = raw === undefined ? {} : object(raw, at);
    onlyKeys(obj, KEYS, at);
    const { redisUrl, store } = redisStore(obj, at, env, 'cache');
    const changes = optional(obj.changes, 'sse', (v) => oneOf(v, ['sse', 'redis'] as const, at.key('changes')));
    if (changes === 'redis' && !redisUrl)
      at.key('changes').fail('"redis" needs a Redis URL: set cache.redisUrl or the REDIS_URL environment variable');
    return {
      enabled: optional(obj.enabled, true, (v) => boolean(v, at.key('enabled'))),
      responses: optional(obj.responses, true, (v) => boolean(v, at.key('responses'))),
      store,
      redisUrl,
      maxBytes: optional(obj.maxBytes, 64 * 1024 * 1024, (v) => integer(v, at.key('maxBytes'), { min: 64 * 1024, max: 64 * 1024 ** 3 })),
      redisTimeoutMs: optional(obj.redisTimeoutMs, 100, (v) => integer(v, at.key('redisTimeoutMs'), { min: 5, max: 10_000 })),
      changes,
      heartbeatTimeoutMs: optional(obj.heartbeatTimeoutMs, 6000, (v) =>
        integer(v, at.key('heartbeatTimeoutMs'), { min: 500, max: 300_000 }),
      ),
      ttlSeconds: ttls(obj.ttlSeconds, at.key('ttlSeconds')),
    };
  },
});

function ttls(raw: unknown, at: ConfigPath): CacheConfig['ttlSeconds'] {
  if (raw === undefined) return DEFAULT_TTL_SECONDS;
  const obj = object(raw, at);
  onlyKeys(obj, ['default', ...CACHED_TYPES], at);
  const result = { ...DEFAULT_TTL_SECONDS };
  for (const [type, value] of Object.entries(obj)) {
    result[type as keyof typeof result] = integer(value, at.key(type), { min: 1, max: DAY });
  }
  return result;
}
