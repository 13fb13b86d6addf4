/**
 * Keyed lookups of concurrent requests, sent to the regional system together.
 *
 * A subgraph's DataLoaders batch the keys of one request; a region behind HTTP (GZ's
 * legacy service) still takes one call per lookup kind per request, and under load most
 * of a lookup's CPU, on both sides, is the call itself, not the rows. Calls of one kind
 * (resource and key column) asked in the same turn of the event loop — every request
 * whose bytes arrived in the same poll — are held until `setImmediate` and sent as one
 * batch call, up to the system's batch limit. No timer: a lone request waits for nothing.
 *
 * Each caller gets only the rows whose key column holds one of its own keys, in the order
 * the system returned them (a subsequence of one ordered answer is that caller's own
 * answer), so nothing crosses from one request to another. A shared call that fails for
 * any reason but the system being unavailable (a refusal could be about another caller's
 * keys) is made again for each caller alone, and so is one whose answer holds a row no
 * caller's key names: every caller gets the answer or the error its own call would have got.
 */

/** What a lookup returns: rows in the system's order. */
export type FetchRows<R> = (kind: Kind, keys: string[]) => Promise<R[]>;

/** One lookup kind: the resource and the key column its rows are matched on. */
export interface Kind {
  resource: string;
  column: string;
}

export interface CoalescerOptions<R> {
  /** One call to the system; never handed more than `maxKeys` keys. */
  fetch: FetchRows<R>;
  /** The key column's value of a row, as the system matched it. */
  keyOf: (row: R, column: string) => unknown;
  /** The system's batch limit: a shared call never holds more keys. */
  maxKeys: number;
  /** Whether a shared call's failure holds for every caller in it (the system is down), so nobody asks again alone. */
  failsEveryone: (error: unknown) => boolean;
}

interface Waiter<R> {
  keys: Set<string>;
  resolve: (rows: R[]) => void;
  reject: (error: unknown) => void;
}

interface Group<R> {
  kind: Kind;
  keys: Set<string>;
  waiters: Waiter<R>[];
}

export class Coalescer<R> {
  /** Groups still open for callers, by kind: at most one per kind (a full one is closed and sent). */
  private readonly open = new Map<string, Group<R>>();
  private readonly ready: Group<R>[] = [];
  private scheduled = false;

  constructor(private readonly options: CoalescerOptions<R>) {
    if (!Number.isInteger(options.maxKeys) || options.maxKeys < 1)
      throw new RangeError(`Coalescer: maxKeys must be a whole number of at least 1, got ${options.maxKeys}`);
  }

  /** The rows of `kind` whose key column holds one of `keys`, as one call for `keys` alone would return them. */
  load(kind: Kind, keys: readonly string[]): Promise<R[]> {
    const own = new Set(keys);
    if (own.size === 0) return Promise.resolve([]);
    // More than one call's worth is the caller's own chunking (and its own order of answers): not shared.
    if (own.size > this.options.maxKeys) return this.options.fetch(kind, [...own]);
    return new Promise<R[]>((resolve, reject) => {
      const id = `${kind.resource}\u0000${kind.column}`;
      let group = this.open.get(id);
      if (group && countWith(group.keys, own) > this.options.maxKeys) {
        this.ready.push(group);
        group = undefined;
      }
      if (!group) {
        group = { kind, keys: new Set(), waiters: [] };
        this.open.set(id, group);
      }
      for (const key of own) group.keys.add(key);
      group.waiters.push({ keys: own, resolve, reject });
      if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => this.flush());
      }
    });
  }

  private flush(): void {
    this.scheduled = false;
    const groups = [...this.ready, ...this.open.values()];
    this.ready.length = 0;
    this.open.clear();
    for (const group of groups)
      this.send(group).catch((error: unknown) => {
        // Nothing of a caller's may escape as an unhandled rejection: every caller still waiting gets the error.
        for (const waiter of group.waiters) waiter.reject(error);
      });
  }

  private async send({ kind, keys, waiters }: Group<R>): Promise<void> {
    if (waiters.length === 1) {
      const [only] = waiters;
      return this.options.fetch(kind, [...keys]).then(only.resolve, only.reject);
    }
    let rows: R[];
    try {
      rows = await this.options.fetch(kind, [...keys]);
    } catch (error) {
      if (this.options.failsEveryone(error)) for (const waiter of waiters) waiter.reject(error);
      else for (const waiter of waiters) this.options.fetch(kind, [...waiter.keys]).then(waiter.resolve, waiter.reject);
      return;
    }
    const mine = attribute(rows, waiters, (row) => this.options.keyOf(row, kind.column));
    if (mine) waiters.forEach((waiter, i) => waiter.resolve(mine[i]));
    // A row no caller's key names (or with no key at all) would have gone to some caller alone: each asks alone.
    else for (const waiter of waiters) this.options.fetch(kind, [...waiter.keys]).then(waiter.resolve, waiter.reject);
  }
}

/** Each waiter's rows, in the answer's order; undefined when a row belongs to none of them. */
function attribute<R>(rows: readonly R[], waiters: readonly Waiter<R>[], keyOf: (row: R) => unknown): R[][] | undefined {
  const mine = waiters.map(() => [] as R[]);
  for (const row of rows) {
    const key = keyOf(row);
    let claimed = false;
    if (typeof key === 'string')
      waiters.forEach((waiter, i) => {
        if (waiter.keys.has(key)) {
          mine[i].push(row);
          claimed = true;
        }
      });
    if (!claimed) return undefined;
  }
  return mine;
}

/** How many distinct keys `group` would hold with `more` added. */
function countWith(group: ReadonlySet<string>, more: ReadonlySet<string>): number {
  let count = group.size;
  for (const key of more) if (!group.has(key)) count++;
  return count;
}
