/**
 * HTTP routes that other parts of the gateway fill in: Prometheus metrics and the
 * GraphiQL page. The HTTP layer owns the routing; the owners of metrics and GraphiQL
 * provide the handlers (registered in gateway/plugins/index.ts).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { sendText } from '../../common/http/respond.ts';

export type RouteHandler = (req: IncomingMessage, res: ServerResponse) => void | Promise<void>;

export interface HttpHooks {
  /** GET /metrics: Prometheus text exposition. */
  metrics: RouteHandler;
  /** GET /graphql from a browser (`Accept: text/html`, no `query` parameter); absent: no IDE. */
  graphiql?: RouteHandler;
  /** GET /graphiql/* — the page's built assets (and its dev-only endpoints); absent with `graphiql`. */
  graphiqlAssets?: RouteHandler;
  /** Whether the audit log accepts records: while it does not, every operation is refused, so the gateway is not ready. */
  auditReady?: () => boolean;
  /** Subscriptions over GraphQL-over-SSE: `isEventStream` picks the /graphql requests `eventStream` serves (gateway/live). */
  eventStream?: RouteHandler;
  isEventStream?: (req: IncomingMessage) => boolean;
  /** WebSocket upgrades to /graphql (graphql-ws, gateway/live); absent: upgrades are refused. */
  upgrade?: (req: IncomingMessage, socket: Duplex, head: Buffer) => void;
}

const started = Date.now();

/** Until the metrics registry is plugged in: liveness and uptime, in the Prometheus format. */
export const basicMetrics: RouteHandler = (_req, res) => {
  sendText(
    res,
    200,
    [
      '# HELP liandong_up 1 while the gateway process serves requests.',
      '# TYPE liandong_up gauge',
      'liandong_up 1',
      '# HELP liandong_uptime_seconds Seconds since the gateway started.',
      '# TYPE liandong_uptime_seconds gauge',
      `liandong_uptime_seconds ${Math.round((Date.now() - started) / 1000)}`,
      '',
    ].join('\n'),
    'text/plain; version=0.0.4; charset=utf-8',
  );
};
