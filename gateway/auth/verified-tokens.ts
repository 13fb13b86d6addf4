/**
 * Bearer tokens already verified, so a client sending the same token request after
 * request pays for one signature check, not one per request (an Ed25519 verification
 * through WebCrypto cost more than the rest of a cached answer).
 *
 * Only successes are kept, keyed by the whole token text (any changed byte is another
 * token), for at most `maxAgeMs` and never past the token's own `exp` (plus the clock
 * tolerance): an expired token is verified again and refused as expired, and a key taken
 * out of a remote key set stops being accepted within `maxAgeMs`. The callers handed out
 * are frozen, since every request with the token shares one.
 */
import { LRUCache } from 'lru-cache';
import type { Caller } from '../context.ts';

export interface VerifiedTokensOptions {
  max: number;
  maxAgeMs: number;
  clockToleranceSeconds: number;
  now?: () => number;
}

interface Verified {
  caller: Caller;
  /** Until when it may be handed out, ms since the epoch: the earlier of expiry (+ tolerance) and the maximum age. */
  untilMs: number;
}

export class VerifiedTokens {
  readonly #cache: LRUCache<string, Verified>;
  readonly #toleranceMs: number;
  readonly #maxAgeMs: number;
  readonly #now: () => number;

  constructor(options: VerifiedTokensOptions) {
    this.#now = options.now ?? Date.now;
    this.#cache = new LRUCache({ max: options.max });
    this.#toleranceMs = options.clockToleranceSeconds * 1000;
    this.#maxAgeMs = options.maxAgeMs;
  }

  /** The caller of a token verified earlier and still within its lifetime; otherwise null. */
  get(token: string): Caller | null {
    const known = this.#cache.get(token);
    if (!known) return null;
    if (this.#now() >= known.untilMs) {
      this.#cache.delete(token);
      return null;
    }
    return known.caller;
  }

  /** Remember a verified token; `exp` in seconds since the epoch, as the claim. */
  remember(token: string, caller: Caller, exp: number): Caller {
    const frozen = Object.freeze({ ...caller, roles: Object.freeze([...caller.roles]) as string[] });
    this.#cache.set(token, { caller: frozen, untilMs: Math.min(exp * 1000 + this.#toleranceMs, this.#now() + this.#maxAgeMs) });
    return frozen;
  }
}
