/**
 * Sharing identical subgraph fetches that are in flight at the same time.
 *
 * When the same fetch (same URL, operation, variables and authorisation partition) is
 * already on its way — for this request or a concurrent one — later callers wait for
 * it instead of sending another. Nothing is kept after it completes: this is not a
 * cache, so no answer can outlive the moment it was read. Each caller gets its own
 * parse of the body, because the gateway merges fetched data into its result in place.
 */

export class InFlight<T> {
  private readonly pending = new Map<string, Promise<T>>();
  /** Callers that joined a fetch already in flight instead of starting one. */
  joined = 0;

  get size(): number {
    return this.pending.size;
  }

  /** Runs `start` unless a call with the same key is in flight, then shares its result. */
  run(key: string, start: () => Promise<T>): Promise<T> {
    const existing = this.pending.get(key);
    if (existing) {
      this.joined += 1;
      return existing;
    }
    const promise = start().finally(() => this.pending.delete(key));
    this.pending.set(key, promise);
    return promise;
  }
}
