/**
 * Change events from a region, for the gateway's cache freshness.
 *
 *   const changes = await changeRoute(adapter, { redisUrl: process.env.REDIS_URL, logger });
 *   createSubgraphServer({ adapter, routes: [changes], … });
 *
 * serves `GET /changes` (Server-Sent Events: hello, change, heartbeat) and, with a Redis
 * URL, publishes the same messages on `liandong:changes:<REGION>`. The wire format is in
 * protocol.ts; the subscriber is gateway/cache/feeds.ts.
 */
import type { RegionAdapter } from '../../adapters/adapter.ts';
import type { SubgraphRoute } from '../server.ts';
import { startChangePublisher, type ChangePublisher, type ChangePublisherOptions } from './publisher.ts';
import { CHANGES_PATH } from '../../common/changes/protocol.ts';

/** The route, and its publisher for whoever follows the region's own changes (the membership filter). */
export async function changeRoute(
  adapter: RegionAdapter,
  options: ChangePublisherOptions,
): Promise<SubgraphRoute & { publisher: ChangePublisher }> {
  const publisher = await startChangePublisher(adapter, options);
  return {
    publisher,
    method: 'GET',
    path: CHANGES_PATH,
    guarded: true,
    handle: (req, res) => publisher.serve(req, res),
    close: () => publisher.close(),
  };
}

export { startChangePublisher, DEFAULT_HEARTBEAT_MS, DEFAULT_POLL_MS } from './publisher.ts';
export type { ChangePublisher, ChangePublisherOptions } from './publisher.ts';
export { CHANGES_PATH, changeChannel, parseChangeMessage, type ChangeMessage } from '../../common/changes/protocol.ts';
