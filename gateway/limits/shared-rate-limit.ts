/**
 * The per-officer rate limit shared by every gateway replica: the same token bucket as
 * rate-limit.ts, kept in Redis (one hash per officer) and taken from by one Lua script,
 * so two replicas answering the same officer at the same instant cannot both spend the
 * last token. The clock is Redis's (`TIME`): replicas whose clocks disagree still refill
 * one bucket at one rate.
 *
 * Bounded memory: a bucket left alone for burst ÷ perSecond seconds is full again, which
 * is what a missing bucket means, so it expires then.
 *
 * Without `counters` (limits.store "memory"), or whenever Redis cannot answer in time,
 * the per-process bucket decides (shared-counters.ts explains the choice).
 */
import type { RateLimitConfig } from './config.ts';
import { RateLimiter, type RateDecision } from './rate-limit.ts';
import { LIMITS_PREFIX, type SharedCounters } from './shared-counters.ts';

/** KEYS[1] the bucket; ARGV burst, perSecond, and a clock in ms for tests ('' → Redis's TIME). */
const TAKE = `
local burst = tonumber(ARGV[1])
local rate = tonumber(ARGV[2])
local now = tonumber(ARGV[3])
if not now then
  local t = redis.call('TIME')
  now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end
local bucket = redis.call('HMGET', KEYS[1], 'tokens', 'at')
local tokens = tonumber(bucket[1]) or burst
local at = tonumber(bucket[2]) or now
tokens = math.min(burst, tokens + math.max(0, now - at) / 1000 * rate)
local allowed = 0
if tokens >= 1 then
  tokens = tokens - 1
  allowed = 1
end
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'at', tostring(now))
redis.call('PEXPIRE', KEYS[1], math.ceil(burst / rate * 1000) + 1000)
if allowed == 1 then return {1, 0} end
return {0, math.max(1, math.ceil((1 - tokens) / rate))}`;

export function rateBucketKey(caller: string): string {
  return `${LIMITS_PREFIX}rate:{${caller}}`;
}

export class SharedRateLimiter {
  readonly #local: RateLimiter;

  constructor(
    private readonly config: RateLimitConfig,
    private readonly counters: SharedCounters | null,
  ) {
    this.#local = new RateLimiter(config);
  }

  /** `now` (ms) is for tests; by default Redis's clock, or this process's for the local bucket. */
  async take(caller: string, now?: number): Promise<RateDecision> {
    if (this.counters) {
      try {
        const reply = await this.counters.run(
          TAKE,
          [rateBucketKey(caller)],
          [String(this.config.burst), String(this.config.perSecond), now === undefined ? '' : String(now)],
        );
        const [allowed, retryAfterSeconds] = reply as [number, number];
        return allowed === 1 ? { allowed: true } : { allowed: false, retryAfterSeconds: Number(retryAfterSeconds) };
      } catch (error) {
        this.counters.fellBack('rate', error);
      }
    }
    return this.#local.take(caller, now);
  }
}
