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
 *
 * With `snapshot` set, the filter is also kept on disk (snapshot-keeper.ts) and a start
 * with a sound snapshot serves it once caught up with the change feed (catch-up.ts),
 * without reading every key again; a missing, unverifiable or foreign snapshot is logged
 * and the filter built from scratch.
 */
import type { RegionAdapter } from '../../adapters/adapter.ts';
import { loadFilterSigningKey } from '../../common/filters/filter-keys.ts';
import { FILTER_PATH, publishFilter } from '../../common/filters/published-filter.ts';
import { sendError } from '../../common/http/respond.ts';
import type { ChangePublisher } from '../changes/publisher.ts';
import type { Logger } from '../logger.ts';
import type { SubgraphRoute } from '../server.ts';
import { RegionFilter } from './region-filter.ts';
import { datasetMismatch, probeDataset } from './dataset-probe.ts';
import { SnapshotKeeper } from './snapshot-keeper.ts';
import { readSnapshot } from './snapshot.ts';

export interface FilterRouteOptions {
  keysDir: string;
  logger: Logger;
  /** Keys the first build is sized for (default 1,000,000: 1.2 MB at 1%). */
  capacity?: number;
  /** Target false-positive rate (default 0.01). */
  falsePositiveRate?: number;
  /** Keep the filter in `file` across restarts (absent: rebuilt from every key at each start). */
  snapshot?: {
    file: string;
    /** datasetOf(…) of the adapter's options: a snapshot of another data set is refused. */
    dataset: string;
    /** Least time between two periodic saves (default 60 s). */
    everyMs?: number;
    /** Longest wait at start for the publisher's first read of the feed (default 30 s). */
    publisherTimeoutMs?: number;
  };
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
  const sizing = {
    capacity: options.capacity ?? DEFAULT_FILTER_CAPACITY,
    falsePositiveRate: options.falsePositiveRate ?? DEFAULT_FALSE_POSITIVE_RATE,
  };
  let keeper: SnapshotKeeper | null = null;
  const filter = new RegionFilter(adapter, { ...sizing, logger: options.logger, onServed: () => void keeper?.save() });
  const snapshot = options.snapshot;
  if (snapshot) {
    keeper = new SnapshotKeeper(filter, {
      file: snapshot.file,
      key,
      made: { region, dataset: snapshot.dataset },
      feedPosition: () => publisher.feedPosition(),
      probe: () => probeDataset(adapter),
      everyMs: snapshot.everyMs,
      logger: options.logger,
    });
  }
  const saved = snapshot ? readSnapshot(snapshot.file, key, { region, dataset: snapshot.dataset, sizing }) : null;
  // Listen first, then read the keys or catch up (region-filter.ts and catch-up.ts say why this order never misses one).
  const unlisten = publisher.listen((message) => filter.receive(message));
  if (saved && !('problem' in saved)) {
    void filter.resume(
      saved,
      adapter.changes,
      { publisherHasRead: () => publisher.feedPosition() !== null, publisherTimeoutMs: snapshot?.publisherTimeoutMs },
      (caughtUp) => datasetMismatch(adapter, saved.probe, caughtUp),
    );
  } else {
    if (saved)
      options.logger.warn(
        { file: snapshot?.file, problem: saved.problem },
        `membership filter snapshot refused (${saved.problem}); building from scratch`,
      );
    void filter.rebuild('start');
  }
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
      // The last snapshot's bits and position are taken while the filter still hears every message (snapshot-keeper.ts).
      await keeper?.close();
      unlisten();
      filter.stop();
    },
  };
}
