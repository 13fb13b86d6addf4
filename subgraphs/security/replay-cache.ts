/**
 * Remembers the `jti` of every internal token seen until the token expires, so a
 * captured request cannot be sent again.
 *
 * Bounded: entries leave when their token expires. If the cache is full of unexpired
 * entries it refuses new tokens (the guard answers 503) rather than forgetting old
 * ones — forgetting would silently re-open the replay window. Per process: behind
 * several replicas of one subgraph a replay could reach a replica that has not seen
 * the token; the seconds-long lifetime bounds that window.
 */
export class ReplayCache {
  private readonly seen = new Map<string, number>();

  constructor(
    private readonly maxEntries = 100_000,
    private readonly now: () => number = () => Date.now() / 1000,
  ) {}

  /**
   * Records `jti` (valid until `expiresAt`, seconds since the epoch).
   * Returns 'fresh' the first time, 'replayed' after, 'full' when it cannot remember more.
   */
  remember(jti: string, expiresAt: number): 'fresh' | 'replayed' | 'full' {
    const now = this.now();
    const known = this.seen.get(jti);
    if (known !== undefined && known >= now) return 'replayed';
    this.sweep(now);
    if (this.seen.size >= this.maxEntries) return 'full';
    this.seen.set(jti, expiresAt);
    return 'fresh';
  }

  get size(): number {
    return this.seen.size;
  }

  /**
   * Map iteration is insertion order and every token has the same lifetime, so expired
   * entries sit at the front: stop at the first live one (amortised O(1) per insert).
   */
  private sweep(now: number): void {
    for (const [jti, expiresAt] of this.seen) {
      if (expiresAt >= now) break;
      this.seen.delete(jti);
    }
  }
}
