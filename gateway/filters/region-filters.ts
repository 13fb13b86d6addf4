/**
 * The gateway's copies of every region's membership filter: one fetch loop of each
 * region's `GET /filter`, kept in step with the region registry, and a listener on the
 * gateway's one change stream per region (SSE or Redis) that adds each change's keys.
 * Answers the data sources' questions (RegionMembership).
 */
import { existsSync } from 'node:fs';
import type { KeyObject } from 'node:crypto';
import type { Logger } from 'pino';
import type { ChangeEvent } from '../../common/changes/event.ts';
import type { ChangeStreams, StreamListener, StreamPosition } from '../../common/changes/listener.ts';
import { filterKeyFiles } from '../../common/filters/filter-keys.ts';
import type { KeyKind } from '../../common/filters/key-filter.ts';
import { FILTER_PATH, filterVerifyingKeys, readPublishedFilter } from '../../common/filters/published-filter.ts';
import { readJwksFile } from '../../common/security/key-files.ts';
import type { StreamSigner } from '../cache/feeds.ts';
import type { RegionEntry, RegionMembership } from '../federation/data-sources/index.ts';
import type { FiltersConfig } from './config.ts';
import type { FilterMetrics } from './metrics.ts';
import { RegionFilterCopy } from './region-copy.ts';

/** The fetch loop's tick: how soon a copy is fetched after its stream's hello. */
const TICK_MS = 250;

interface Followed {
  base: string;
  copy: RegionFilterCopy;
  stop(): void;
}

/**
 * Listens to the gateway's one change stream per region (the cache's follower, handed in
 * as `ChangeStreams`): a filter copy needs each change's keys and where the stream's
 * unbroken run started, which the follower tells every listener.
 */
export class RegionFilters implements RegionMembership, StreamListener {
  private readonly followed = new Map<string, Followed>();
  private synced: readonly RegionEntry[] | null = null;

  constructor(
    private readonly config: FiltersConfig & { keysDir: string },
    private readonly metrics: FilterMetrics,
    private readonly logger: Logger,
    private readonly sign: StreamSigner,
    private readonly streams: ChangeStreams,
  ) {
    streams.listen(this);
  }

  // StreamListener: called by the follower for every region it follows.
  changed(event: ChangeEvent, at: StreamPosition): void {
    this.followed.get(event.region)?.copy.changed(event.idNumbers, event.plates, at);
  }

  flush(region: string): void {
    this.followed.get(region)?.copy.flushed();
  }

  resumed(region: string, from: StreamPosition): void {
    this.followed.get(region)?.copy.resumed(from);
  }

  /** Follows every listed region, stops following the others (cheap when the list is the same). */
  sync(regions: readonly RegionEntry[]): void {
    if (regions === this.synced) return;
    this.synced = regions;
    const wanted = new Map(regions.map((r) => [r.code, new URL('/', r.endpoints.records).href]));
    for (const [code, followed] of this.followed) {
      if (wanted.get(code) !== followed.base) {
        followed.stop();
        this.followed.delete(code);
      }
    }
    for (const [code, base] of wanted) if (!this.followed.has(code)) this.followed.set(code, this.follow(code, base));
  }

  trusted(region: string): boolean {
    const followed = this.followed.get(region);
    return followed !== undefined && followed.copy.problem(this.live(region)) === null;
  }

  mayHold(region: string, kind: KeyKind, key: string): boolean {
    const followed = this.followed.get(region);
    return !followed || followed.copy.problem(this.live(region)) !== null || followed.copy.mayHold(kind, key);
  }

  skipped(regions: readonly string[]): void {
    for (const region of regions) this.metrics.skips.inc({ region });
  }

  falsePositives(regions: readonly string[]): void {
    for (const region of regions) this.metrics.falsePositives.inc({ region });
  }

  *view(): Iterable<{ region: string; trusted: boolean; bytes: number; keys: number }> {
    for (const [region, followed] of this.followed) yield { region, trusted: this.trusted(region), ...followed.copy.size };
  }

  close(): void {
    for (const followed of this.followed.values()) followed.stop();
    this.followed.clear();
  }

  /** The region's stream heard within the filters' own bound (`filters.staleAfterMs`). */
  private live(region: string): boolean {
    return this.streams.isLive(region, this.config.staleAfterMs);
  }

  private follow(code: string, base: string): Followed {
    const copy = new RegionFilterCopy(code, 3 * this.config.refreshMs);
    // The stream may be mid-run already (the cache followed it first): every message after
    // its current place still reaches this copy.
    const at = this.streams.position(code);
    if (at) copy.resumed(at);
    let stopped = false;
    let timer: NodeJS.Timeout | undefined;
    let backoff = 1000;
    let nextAttempt = 0;
    let keys: Map<string, KeyObject> | null = null;
    let reported = '';
    const report = (outcome: string, detail: string) => {
      this.metrics.fetches.inc({ region: code, outcome });
      // Logged once per kind of trouble, not on every retry.
      if (outcome !== 'ok' && outcome !== reported) this.logger.warn({ region: code, outcome, detail }, 'filters: region filter not used');
      reported = outcome === 'ok' ? '' : outcome;
    };
    const attempt = async () => {
      const { jwksFile } = filterKeyFiles(this.config.keysDir, code);
      if (!keys) {
        if (!existsSync(jwksFile)) return report('no-key', `no public filter key at ${jwksFile}: the region is asked for every key`);
        keys = filterVerifyingKeys(readJwksFile(jwksFile));
      }
      const url = new URL(FILTER_PATH.slice(1), base).href;
      const response = await fetch(url, { headers: this.sign(code, 'filter'), signal: AbortSignal.timeout(10_000) });
      const text = await response.text();
      if (response.status === 503) return report('not-ready', `GET ${url}: the region is still building its filter`);
      if (response.status !== 200) return report('unavailable', `GET ${url}: HTTP ${response.status}`);
      const read = readPublishedFilter(text, code, keys);
      if ('problem' in read) {
        keys = null; // read the key file again next time: the region may have rotated its key
        return report('unverifiable', read.problem);
      }
      const problem = copy.install(read);
      if (problem) return report(problem, `the filter covers ${read.header.epoch}#${read.header.seq}, the stream is elsewhere`);
      report('ok', '');
      return true;
    };
    const tick = async () => {
      if (stopped) return;
      const now = Date.now();
      if (now >= nextAttempt && copy.due(this.config.refreshMs, now)) {
        const ok = await attempt().catch((error: Error) => report('unavailable', error.message));
        backoff = ok === true ? 1000 : Math.min(backoff * 2, this.config.refreshMs);
        nextAttempt = Date.now() + (ok === true ? 0 : backoff);
      }
      if (!stopped) timer = setTimeout(tick, TICK_MS);
    };
    timer = setTimeout(tick, 0);
    return {
      base,
      copy,
      stop() {
        stopped = true;
        clearTimeout(timer);
      },
    };
  }
}
