/**
 * Membership filters: the gateway's fan-out asks, for a keyed lookup in the index part,
 * only the regions whose filter may hold the key (ARCHITECTURE "Membership filters").
 *
 * Each region's subgraph publishes a Bloom filter of the keys it holds, signed with the
 * region's own key and stating the change-stream point it covers (subgraphs/filters/,
 * common/filters/). This concern listens to the gateway's one change stream per region
 * (the cache's follower: SSE, or Redis pub/sub), fetches and verifies each region's
 * filter, adds each change's keys to its copy, and tells the index data
 * source (federation/data-sources/membership.ts) which regions it may skip. When and why
 * a copy is trusted: region-copy.ts. A region without a trusted copy is asked as before.
 *
 * Metrics (metrics.ts): skips and false positives per region, fetch outcomes, and per
 * region whether its filter is trusted, its size and key count.
 */
import type { Logger } from 'pino';
import type { ChangeStreams } from '../../common/changes/listener.ts';
import type { StreamSigner } from '../cache/feeds.ts';
import type { RegionEntry, RegionMembership } from '../federation/data-sources/index.ts';
import type { FiltersConfig } from './config.ts';
import { FilterMetrics } from './metrics.ts';
import { RegionFilters } from './region-filters.ts';

export interface MembershipFilters {
  /** What the index data source consults; null when `filters.enabled` is false. */
  membership: RegionMembership | null;
  metrics: FilterMetrics;
  close(): Promise<void>;
}

/**
 * `regions()`: the registry's current list (followed as it changes; the caller keeps the
 * change streams in step with it too); `sign`: the gateway's token for `<region>/filter`;
 * `streams`: the gateway's one change stream per region (the cache's follower), which the
 * filters listen to rather than open a second connection.
 */
export function createMembershipFilters(
  config: FiltersConfig & { keysDir: string },
  logger: Logger,
  sign: StreamSigner,
  regions: () => readonly RegionEntry[],
  streams: ChangeStreams,
): MembershipFilters {
  if (!config.enabled) return { membership: null, metrics: new FilterMetrics(() => []), close: async () => {} };
  let filters: RegionFilters | null = null;
  const metrics = new FilterMetrics(() => filters?.view() ?? []);
  filters = new RegionFilters(config, metrics, logger.child({ component: 'filters' }), sign, streams);
  const live = filters;
  live.sync(regions());
  // Asked on every keyed lookup: follow a reloaded registry from the next lookup on.
  const membership: RegionMembership = {
    trusted(region) {
      live.sync(regions());
      return live.trusted(region);
    },
    mayHold: (region, kind, key) => live.mayHold(region, kind, key),
    skipped: (codes) => live.skipped(codes),
    falsePositives: (codes) => live.falsePositives(codes),
  };
  return {
    membership,
    metrics,
    async close() {
      live.close();
    },
  };
}

export { filtersSection, type FiltersConfig } from './config.ts';
