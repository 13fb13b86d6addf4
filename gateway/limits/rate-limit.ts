/**
 * Per-officer rate limit: a token bucket per caller (`caller.sub`, or the client
 * address for anonymous development access). Each request takes a token; tokens
 * refill at `perSecond` up to `burst`. An empty bucket refuses with HTTP 429 and a
 * Retry-After of whole seconds until the next token.
 *
 * Buckets live in a bounded LRU: a flood of distinct callers cannot grow memory, and an
 * evicted bucket only forgets a caller who has been quiet the longest.
 */
import { LRUCache } from 'lru-cache';
import type { RateLimitConfig } from './config.ts';

interface Bucket {
  tokens: number;
  at: number;
}

export type RateDecision = { allowed: true } | { allowed: false; retryAfterSeconds: number };

export class RateLimiter {
  private readonly buckets: LRUCache<string, Bucket>;

  constructor(
    private readonly config: RateLimitConfig,
    maxCallers = 100_000,
  ) {
    this.buckets = new LRUCache({ max: maxCallers });
  }

  take(caller: string, now: number = Date.now()): RateDecision {
    const bucket = this.refilled(caller, now);
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return { allowed: true };
    }
    const retryAfterSeconds = Math.max(1, Math.ceil((1 - bucket.tokens) / this.config.perSecond));
    return { allowed: false, retryAfterSeconds };
  }

  private refilled(caller: string, now: number): Bucket {
    const bucket = this.buckets.get(caller) ?? { tokens: this.config.burst, at: now };
    const elapsedSeconds = Math.max(0, now - bucket.at) / 1000;
    bucket.tokens = Math.min(this.config.burst, bucket.tokens + elapsedSeconds * this.config.perSecond);
    bucket.at = now;
    this.buckets.set(caller, bucket);
    return bucket;
  }
}
