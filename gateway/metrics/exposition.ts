/**
 * GET /metrics: the gateway's registry merged with the other parts' registries (cache,
 * audit) into one Prometheus text exposition. Merged at each scrape: a merged registry
 * holds the metric objects, so new series of any part show up without re-wiring.
 */
import { Registry } from 'prom-client';
import { sendText } from '../../common/http/respond.ts';
import type { RouteHandler } from '../http/hooks.ts';

export function metricsRoute(registries: readonly Registry[]): RouteHandler {
  return async (_req, res) => {
    // Registry.merge refuses two metrics of one name: a wiring mistake, reported as a 500 by the router.
    const merged = Registry.merge([...registries]);
    sendText(res, 200, await merged.metrics(), merged.contentType);
  };
}
