/**
 * The region's membership filter, kept current: built from every key the adapter holds
 * (`heldKeys`) and updated from the region's own change publisher.
 *
 * Why it never misses a key. The filter starts listening to the publisher *before* it
 * reads the adapter's keys. A record written before that moment was either already
 * published — then it was in the system when the keys were read, so it is read — or not
 * yet published, and then it is published later and added as it goes out. A record
 * written after it is published later too. Every change message is applied
 * synchronously as it is sent, so the filter served at any moment holds every key of
 * every message up to the publisher's current seq: that seq is what the served filter
 * states it covers. Bloom filters only grow: a deleted record leaves its key behind (a
 * useless fetch, never a missed one) until the next rebuild.
 *
 * When the regional system's change log starts a new life (`resync`: its database was
 * replaced or restored), changes since the last poll cannot be listed, so no filter is
 * served until one has been rebuilt from the new data. A filter whose key count passes
 * its capacity (its false-positive rate rising past the target) is rebuilt for 1.25 ×
 * its keys, while the old one is still served.
 *
 * A restart need not read every key again: `resume` takes the filter saved at the last
 * run (snapshot.ts) and brings it up to date from the change feed (catch-up.ts says why
 * nothing falls between the catch-up and the publisher's stream), falling back to a
 * build from scratch when the feed cannot list what changed (`resync`) or fails.
 */
import type { ChangeEvent, ChangeFeed, HeldKeys, RegionAdapter } from '../../adapters/adapter.ts';
import type { ChangeMessage } from '../../common/changes/protocol.ts';
import { KeyFilter, type FilterSizing } from '../../common/filters/key-filter.ts';
import type { Logger } from '../logger.ts';
import { catchUp, type CatchUpOptions } from './catch-up.ts';
import type { FilterSnapshot } from './snapshot.ts';

/** A rebuilt filter has room for this many times the keys it outgrew (a quarter more to come). */
const GROWTH = 1.25;

export interface RegionFilterOptions {
  /** The first build's capacity; a region that holds more gets a larger filter on the next build. */
  capacity: number;
  falsePositiveRate: number;
  logger: Logger;
  /** Called each time another filter starts being served (built, rebuilt or resumed): the snapshot keeper saves it. */
  onServed?: () => void;
}

export interface ServedFilter {
  filter: KeyFilter;
  builtAt: string;
  /** Bumped whenever a key is added, so a serialised copy can be reused while nothing changed. */
  version: number;
  /** What it was built for (a snapshot states it). */
  sizing: FilterSizing;
}

export class RegionFilter {
  private served: ServedFilter | null = null;
  /** The filter being built (it receives change keys too, from the moment its build starts). */
  private building: KeyFilter | null = null;
  private generation = 0;
  private stopped = false;
  private capacity: number;

  constructor(
    private readonly adapter: Pick<RegionAdapter, 'heldKeys'>,
    private readonly options: RegionFilterOptions,
  ) {
    this.capacity = options.capacity;
  }

  /** The filter as it stands, or null while none is ready (first build, or after a resync). */
  current(): ServedFilter | null {
    return this.served;
  }

  /** Applies one message of the region's change publisher (call for every message, in order). */
  receive(message: ChangeMessage): void {
    if (message.kind === 'change') {
      const keys = { idNumbers: message.event.idNumbers, plates: message.event.plates };
      if (this.served) {
        addKeys(this.served.filter, keys);
        this.served.version++;
      }
      if (this.building) addKeys(this.building, keys);
      // Every 1024 adds, whether the filter outgrew its size (the estimate counts its bits).
      if (this.served && (this.served.filter.keys & 1023) === 0 && !this.building) {
        const distinct = this.served.filter.estimatedDistinctKeys();
        if (distinct > this.capacity) {
          this.capacity = Math.ceil(distinct * GROWTH);
          void this.rebuild('its key count passed its capacity');
        }
      }
    } else if (message.kind === 'resync') {
      this.served = null;
      void this.rebuild(message.reason);
    }
  }

  /** Builds (again) from the adapter's keys; the caller has already started feeding `receive`. */
  async rebuild(why: string): Promise<void> {
    const generation = ++this.generation;
    const sizing: FilterSizing = { capacity: this.capacity, falsePositiveRate: this.options.falsePositiveRate };
    const filter = KeyFilter.sized(sizing);
    this.building = filter;
    const started = performance.now();
    try {
      for await (const batch of this.adapter.heldKeys()) {
        if (generation !== this.generation || this.stopped) return;
        addKeys(filter, batch);
      }
    } catch (error) {
      if (generation !== this.generation || this.stopped) return;
      this.building = null;
      // The old filter (if any) stays: it is still sound, only less exact. Try again later.
      this.options.logger.warn({ err: error }, `membership filter: reading the held keys failed (${why}); retrying in 5 s`);
      setTimeout(() => !this.stopped && generation === this.generation && void this.rebuild(why), 5000).unref();
      return;
    }
    if (generation !== this.generation || this.stopped) return;
    this.building = null;
    const distinct = this.serve({ filter, builtAt: new Date().toISOString(), version: 0, sizing });
    this.options.logger.info(
      { keys: filter.keys, distinct, bytes: filter.bytes().byteLength, ms: Math.round(performance.now() - started), why },
      'membership filter built',
    );
  }

  /**
   * Serves `snapshot`'s filter once it has caught up with `feed` from the position it
   * covers; the caller has already started feeding `receive`. Builds from scratch instead
   * when the feed cannot list the changes since (`resync`), the catch-up fails, or `check`
   * (given the person changes caught up) finds the region's data is not what was saved.
   */
  async resume(
    snapshot: FilterSnapshot,
    feed: Pick<ChangeFeed, 'changesSince'>,
    publisher: Pick<CatchUpOptions, 'publisherHasRead' | 'publisherTimeoutMs'>,
    check: (personChanges: readonly ChangeEvent[]) => Promise<string | null> = async () => null,
  ): Promise<void> {
    const generation = ++this.generation;
    const stale = () => generation !== this.generation || this.stopped;
    this.capacity = Math.max(this.capacity, snapshot.sizing.capacity);
    const { filter } = snapshot;
    // Every message sent from now on goes into it, as into a filter being built.
    this.building = filter;
    const started = performance.now();
    // Only what `check` reads: a long outage's other changes are not kept.
    const personChanges: ChangeEvent[] = [];
    let result: Awaited<ReturnType<typeof catchUp>>;
    let mismatch: string | null = null;
    try {
      result = await catchUp(feed, snapshot.position, {
        ...publisher,
        add: (change) => {
          addKeys(filter, change);
          if (change.type === 'PersonRecord') personChanges.push(change);
        },
        abandoned: stale,
      });
      if (result.outcome === 'caught-up') mismatch = await check(personChanges);
    } catch (error) {
      if (stale()) return;
      this.building = null;
      this.options.logger.warn({ err: error }, 'membership filter: catching up from its snapshot failed; building it from scratch');
      return this.rebuild('catching up from the snapshot failed');
    }
    if (result.outcome === 'abandoned' || stale()) return;
    this.building = null;
    if (result.outcome === 'resync') {
      this.options.logger.warn(
        { position: snapshot.position },
        'membership filter: the change feed cannot list the changes since its snapshot (resync: its log was replaced, restored or — HB — restarted with the process); building it from scratch',
      );
      return this.rebuild('the change log restarted since the snapshot');
    }
    if (mismatch !== null) {
      this.options.logger.warn(
        { problem: mismatch },
        `membership filter: the region's data is not the snapshot's (${mismatch}); building it from scratch`,
      );
      return this.rebuild('the data set changed since the snapshot');
    }
    const distinct = this.serve({ filter, builtAt: snapshot.builtAt, version: 0, sizing: snapshot.sizing });
    this.options.logger.info(
      { keys: filter.keys, distinct, changes: result.changes, reads: result.reads, ms: Math.round(performance.now() - started) },
      'membership filter restored from its snapshot and caught up with the change feed',
    );
  }

  /** Starts serving `served`; a filter holding more keys than it was sized for is rebuilt larger meanwhile. Returns its distinct keys. */
  private serve(served: ServedFilter): number {
    this.served = served;
    this.options.onServed?.();
    const distinct = served.filter.estimatedDistinctKeys();
    if (distinct > this.capacity) {
      this.capacity = Math.ceil(distinct * GROWTH);
      void this.rebuild('the region holds more keys than the filter was sized for');
    }
    return distinct;
  }

  stop(): void {
    this.stopped = true;
    this.generation++;
  }
}

function addKeys(filter: KeyFilter, keys: HeldKeys): void {
  for (const key of keys.idNumbers) filter.add('idNumber', key);
  for (const key of keys.plates) filter.add('plate', key);
}
