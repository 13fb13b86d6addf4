/**
 * The region's membership filter for the gateway's fan-out:
 *
 *   const filter = await filterRoute(adapter, changes.publisher, { region, keysDir, logger });
 *   createSubgraphServer({ routes: [changes, filter], … });
 *
 * serves `GET /filter` (readable only with the gateway's internal token, audience
 * `<REGION>/filter`: a filter answers "does this region hold person X?" for anyone who
 * holds it) — the filter signed with the region's own key (common/filters/), stating the
 * change-stream position it covers. 503 `FILTER_NOT_READY` while the first build (or a
 * rebuild after a resync) runs: the gateway then asks the region for every key, as it
 * would without filters.
 */
import type { RegionAdapter } from '../../adapters/adapter.ts';
import { loadFilterSigningKey } from '../../common/filters/filter-keys.ts';
import { FILTER_PATH, publishFilter } from '../../common/filters/published-filter.ts';
import { sendError } from '../../common/http/respond.ts';
import type { ChangePublisher } from '../changes/publisher.ts';
import type { Logger } from '../logger.ts';
import type { SubgraphRoute } from '../server.ts';
import { RegionFilter } from './region-filter.ts';

export interface FilterRouteOptions {
  keysDir: string;
  logger: Logger;
  /** Keys the first build is sized for (default 1,000,000: 1.2 MB at 1%). */
  capacity?: number;
  /** Target false-positive rate (default 0.01). */
  falsePositiveRate?: number;
}

export const DEFAULT_FILTER_CAPACITY = 1_000_000;
export const DEFAULT_FALSE_POSITIVE_RATE = 0.01;

export async function filterRoute(adapter: RegionAdapter, publisher: ChangePublisher, options: FilterRouteOptions): Promise<SubgraphRoute> {
  const region = adapter.region.code;
  const key = await loadFilterSigningKey(options.keysDir, region).catch((error: Error) => error);
  if (key instanceof Error) {
    // No key (a read-only keys directory without one, say): no filter, and the gateway asks this region for every key.
    options.logger.error({ err: key }, `membership filter: no signing key for ${region} (${key.message}); serving no filter`);
    return {
      method: 'GET',
      path: FILTER_PATH,
      guarded: true,
      handle: (_req, res) => sendError(res, 503, 'FILTER_UNAVAILABLE', `${region} has no filter-signing key; ask it for every key`),
    };
  }
  const filter = new RegionFilter(adapter, {
    capacity: options.capacity ?? DEFAULT_FILTER_CAPACITY,
    falsePositiveRate: options.falsePositiveRate ?? DEFAULT_FALSE_POSITIVE_RATE,
    logger: options.logger,
  });
  // Listen first, then read the keys (region-filter.ts says why this order never misses one).
  const unlisten = publisher.listen((message) => filter.receive(message));
  void filter.rebuild('start');
  // The signed body, reused while neither the filter nor the stream position moved.
  let cached: { version: number; seq: number; served: object; body: string } | null = null;
  return {
    method: 'GET',
    path: FILTER_PATH,
    guarded: true,
    handle(_req, res) {
      const served = filter.current();
      if (!served) {
        sendError(res, 503, 'FILTER_NOT_READY', `${region}'s membership filter is being built; ask the region for every key meanwhile`);
        return;
      }
      const { epoch, seq } = publisher.position();
      if (!cached || cached.served !== served || cached.version !== served.version || cached.seq !== seq) {
        const body = publishFilter(key, { region, epoch, seq, builtAt: served.builtAt }, served.filter);
        cached = { version: served.version, seq, served, body };
      }
      res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
      res.end(cached.body);
    },
    async close() {
      unlisten();
      filter.stop();
    },
  };
}
