/**
 * What one execution's fetches tell the response cache (response-cache.ts): whether
 * every fetch was answered through the entity cache with items it can key and tag, and
 * if so the tags (so a change event finds the response), the shortest TTL, and the
 * regions whose answer touched wanted status (served from cache only while their
 * invalidation is live).
 *
 * Anything that cannot vouch for its freshness spoils the trace: a fetch the entity
 * cache passes through (a search, an unknown shape), a subgraph outside the regional
 * contract (the gateway's own, an ordinary one), a region that failed or answered with
 * errors, a representation without a cache key.
 */
export class ResponseTrace {
  readonly tags = new Set<string>();
  readonly sensitiveRegions = new Set<string>();
  ttlSeconds = Number.POSITIVE_INFINITY;
  /** Items per entity type (the entity cache's hit metric counts them again on a hit). */
  readonly types: Record<string, number> = {};
  #spoiled: string | null = null;

  /** Why the response may not be cached; null while it may. */
  get spoiled(): string | null {
    return this.#spoiled;
  }

  spoil(reason: string): void {
    this.#spoiled ??= reason;
  }

  add(item: { tags: readonly string[]; types: readonly string[] }, ttlSeconds: number): void {
    for (const tag of item.tags) this.tags.add(tag);
    for (const type of item.types) this.types[type] = (this.types[type] ?? 0) + 1;
    this.ttlSeconds = Math.min(this.ttlSeconds, ttlSeconds);
  }

  get items(): number {
    return Object.values(this.types).reduce((n, count) => n + count, 0);
  }
}

const TRACE = Symbol('liandong.responseTrace');

type Traced = { [TRACE]?: ResponseTrace };

/** The trace of the execution a fetch belongs to (its request context), if the response cache is recording one. */
export function traceOf(context: unknown): ResponseTrace | undefined {
  return typeof context === 'object' && context !== null ? (context as Traced)[TRACE] : undefined;
}

export function startTrace(context: object): ResponseTrace {
  const trace = new ResponseTrace();
  (context as Traced)[TRACE] = trace;
  return trace;
}

export function endTrace(context: object): void {
  delete (context as Traced)[TRACE];
}
