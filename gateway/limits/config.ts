/**
 * The `limits` section of config/gateway.json, with its defaults.
 *
 * ```json
 * "limits": {
 *   "maxDepth": 12, "maxAliases": 30, "maxTokens": 3000,
 *   "maxCost": 20000, "defaultListSize": 20, "maxBatchOperations": 10, "maxVariablesDepth": 32,
 *   "rateLimit": { "burst": 60, "perSecond": 10 },
 *   "refusalsPerAddress": { "max": 20, "windowSeconds": 60 },
 *   "bulkLookup": { "threshold": 200, "windowSeconds": 3600, "block": false },
 *   "store": "redis", "redisUrl": "redis://…", "redisTimeoutMs": 100
 * }
 * ```
 * `store` says where the per-officer rate limit and the bulk-lookup counts live:
 * "memory" (per process) or "redis" (shared by every replica; default when a Redis URL is
 * known: `limits.redisUrl`, else $REDIS_URL, the one the cache uses). A Redis command
 * slower than `redisTimeoutMs`, or Redis down, falls back to the per-process counts for
 * that request (shared-counters.ts says why).
 * The request body size limit is `server.bodyLimitBytes` (the HTTP layer enforces it, 413).
 * `maxBatchOperations` applies where the HTTP layer accepts batches (JSON array bodies).
 */
import { ConfigPath, boolean, integer, object, onlyKeys, optional, redisStore } from '../config/check.ts';
import { section } from '../config/section.ts';

export interface RateLimitConfig {
  /** Requests an officer may send at once (bucket size). */
  burst: number;
  /** Sustained requests per second per officer (refill rate). */
  perSecond: number;
}

/**
 * Refusals of callers not authenticated (401s, malformed requests), per client address:
 * the first `max` in a window are answered and audited one by one; the rest of the
 * window is answered 429 and counted, in one summary record per address per window.
 */
export interface RefusalsPerAddressConfig {
  max: number;
  windowSeconds: number;
}

export interface BulkLookupConfig {
  /** Distinct persons one officer may view within the window before an alert. */
  threshold: number;
  windowSeconds: number;
  /** Also withhold responses that would take an officer past the threshold. */
  block: boolean;
}

export interface LimitsConfig {
  maxDepth: number;
  maxAliases: number;
  maxTokens: number;
  /** Computed cost: every field counts 1, times the sizes of the lists it sits in. */
  maxCost: number;
  /** Assumed size of a list field without a `first`/`last`/`limit` argument. */
  defaultListSize: number;
  maxBatchOperations: number;
  /** Deepest nesting accepted in a request's `variables` (the HTTP layer refuses deeper: 400 VARIABLES_TOO_DEEP). */
  maxVariablesDepth: number;
  rateLimit: RateLimitConfig;
  refusalsPerAddress: RefusalsPerAddressConfig;
  bulkLookup: BulkLookupConfig;
  /** Where rate-limit buckets and bulk-lookup counts live: per process, or shared through Redis. */
  store: 'memory' | 'redis';
  redisUrl: string | null;
  /** A slower Redis answer counts as Redis being unavailable (the per-process counts decide). */
  redisTimeoutMs: number;
}

export const LIMITS_DEFAULTS: LimitsConfig = {
  maxDepth: 12,
  maxAliases: 30,
  maxTokens: 3000,
  maxCost: 20_000,
  // Lists without `first` in this contract are a person's or case's own records, cases and
  // vehicles: a handful each. Searches carry an explicit `first` (up to 100).
  defaultListSize: 10,
  maxBatchOperations: 10,
  // Far deeper than any input of the contract (a search filter nests 3 levels), far from
  // any stack limit: a value this deep can still be audited and coerced.
  maxVariablesDepth: 32,
  rateLimit: { burst: 60, perSecond: 10 },
  // 20 refusals a minute from one address covers a client with a stale token retrying;
  // a flood past it costs the audit one record per address per minute.
  refusalsPerAddress: { max: 20, windowSeconds: 60 },
  bulkLookup: { threshold: 200, windowSeconds: 3600, block: false },
  store: 'memory',
  redisUrl: null,
  // Every request waits on the rate limit: a Redis this slow is treated as down.
  redisTimeoutMs: 100,
};

const KEYS = [
  'maxDepth',
  'maxAliases',
  'maxTokens',
  'maxCost',
  'defaultListSize',
  'maxBatchOperations',
  'maxVariablesDepth',
  'rateLimit',
  'refusalsPerAddress',
  'bulkLookup',
  'store',
  'redisUrl',
  'redisTimeoutMs',
] as const;

/** Validates a raw `limits` value; throws ConfigError naming the setting (`…: limits.maxDepth: expected …`). */
export function validateLimitsConfig(
  raw: unknown,
  at: ConfigPath = new ConfigPath('config/gateway.json').key('limits'),
  env: Readonly<Record<string, string | undefined>> = {},
): LimitsConfig {
  const obj = raw === undefined ? {} : object(raw, at);
  onlyKeys(obj, KEYS, at);
  const { redisUrl, store } = redisStore(obj, at, env, 'limits');
  const count = (key: keyof LimitsConfig, max: number) =>
    optional(obj[key], LIMITS_DEFAULTS[key] as number, (v) => integer(v, at.key(key), { min: 1, max }));
  return {
    maxDepth: count('maxDepth', 1000),
    maxAliases: count('maxAliases', 100_000),
    maxTokens: count('maxTokens', 1_000_000),
    maxCost: count('maxCost', 1_000_000_000),
    defaultListSize: count('defaultListSize', 100_000),
    maxBatchOperations: count('maxBatchOperations', 1000),
    maxVariablesDepth: count('maxVariablesDepth', 1000),
    rateLimit: validateRateLimit(obj.rateLimit, at.key('rateLimit')),
    refusalsPerAddress: validateRefusalsPerAddress(obj.refusalsPerAddress, at.key('refusalsPerAddress')),
    bulkLookup: validateBulkLookup(obj.bulkLookup, at.key('bulkLookup')),
    store,
    redisUrl,
    redisTimeoutMs: optional(obj.redisTimeoutMs, LIMITS_DEFAULTS.redisTimeoutMs, (v) =>
      integer(v, at.key('redisTimeoutMs'), { min: 5, max: 10_000 }),
    ),
  };
}

function validateRateLimit(raw: unknown, at: ConfigPath): RateLimitConfig {
  const obj = raw === undefined ? {} : object(raw, at);
  onlyKeys(obj, ['burst', 'perSecond'], at);
  const d = LIMITS_DEFAULTS.rateLimit;
  return {
    burst: optional(obj.burst, d.burst, (v) => integer(v, at.key('burst'), { min: 1, max: 1_000_000 })),
    perSecond: optional(obj.perSecond, d.perSecond, (v) => integer(v, at.key('perSecond'), { min: 1, max: 1_000_000 })),
  };
}

function validateRefusalsPerAddress(raw: unknown, at: ConfigPath): RefusalsPerAddressConfig {
  const obj = raw === undefined ? {} : object(raw, at);
  onlyKeys(obj, ['max', 'windowSeconds'], at);
  const d = LIMITS_DEFAULTS.refusalsPerAddress;
  return {
    max: optional(obj.max, d.max, (v) => integer(v, at.key('max'), { min: 1, max: 1_000_000 })),
    windowSeconds: optional(obj.windowSeconds, d.windowSeconds, (v) => integer(v, at.key('windowSeconds'), { min: 1, max: 86_400 })),
  };
}

function validateBulkLookup(raw: unknown, at: ConfigPath): BulkLookupConfig {
  const obj = raw === undefined ? {} : object(raw, at);
  onlyKeys(obj, ['threshold', 'windowSeconds', 'block'], at);
  const d = LIMITS_DEFAULTS.bulkLookup;
  return {
    threshold: optional(obj.threshold, d.threshold, (v) => integer(v, at.key('threshold'), { min: 1, max: 10_000_000 })),
    windowSeconds: optional(obj.windowSeconds, d.windowSeconds, (v) => integer(v, at.key('windowSeconds'), { min: 1, max: 31 * 86_400 })),
    block: optional(obj.block, d.block, (v) => boolean(v, at.key('block'))),
  };
}

export const limitsSection = section({
  key: 'limits',
  validate: (raw, at, { env }) => validateLimitsConfig(raw, at, env),
});
