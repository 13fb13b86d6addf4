/**
 * GraphQL subscriptions, served by the gateway (gateway/plugins/index.ts wires this
 * factory with one line). @apollo/gateway cannot execute subscriptions, so:
 *
 * - the `Subscription` type (schema.ts) is part of the gateway's own subgraph, so it
 *   composes into the supergraph and introspection / GraphiQL see it;
 * - every region's change stream is read once per gateway (the cache's RegionFeeds) and
 *   matched in memory by the hub (hub.ts: an index from identity number and plate to
 *   subscribers), which also keeps a bounded replay buffer for `Last-Event-ID`;
 * - each event is resolved for each subscriber as an ordinary query through the whole
 *   pipeline under the subscriber's token and purpose (resolve.ts, query-plan.ts): field
 *   authorisation, purpose, shield rules, disclosure keys and one audit record per event
 *   per subscriber, exactly as for a query;
 * - served over GraphQL-over-SSE and graphql-ws (transports.ts), with limits
 *   (config.ts) and metrics (metrics.ts) on /metrics.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import type { GraphQLSchema } from 'graphql';
import type { GatewayInterface } from '@apollo/server-gateway-interface';
import type { GatewayContext } from '../context.ts';
import type { ContextHook } from '../http/context.ts';
import type { LiveConfig } from './config.ts';
import { LiveHub, type RegionLiveness } from './hub.ts';
import type { LiveMetrics } from './metrics.ts';
import { openSubscription, type RecordSubscribe } from './subscribe.ts';
import { isEventStreamRequest, sseTransport, wsTransport } from './transports.ts';
import type { StreamListener } from '../../common/changes/listener.ts';

export interface LiveOptions {
  config: LiveConfig;
  metrics: LiveMetrics;
  server: { bodyLimitBytes: number; trustProxy: boolean };
  contextHooks: readonly ContextHook[];
  onRefusal?: (context: GatewayContext, error: unknown) => Promise<unknown>;
  /** Records each subscribe (gateway/audit/subscription.ts); null only with audit.sink "off". */
  recordSubscribe: RecordSubscribe | null;
  /** Region liveness of the change streams the hub is fed from. */
  liveness: RegionLiveness;
}

export interface Live {
  /** Feeds the hub: register on the region change streams. */
  listener: StreamListener;
  /** Learns the API schema (subscriptions are validated against it). */
  wrapGateway: (gateway: GatewayInterface) => GatewayInterface;
  /** `POST /graphql` with `Accept: text/event-stream`; null when the request is not one. */
  eventStream: ((req: IncomingMessage, res: ServerResponse) => Promise<void>) | null;
  isEventStream: (req: IncomingMessage) => boolean;
  upgrade: ((req: IncomingMessage, socket: Duplex, head: Buffer) => void) | null;
  /** The gateway's own /graphql URL, once it listens: events are resolved through it. */
  listening(url: string): void;
  metrics: LiveMetrics;
  /** Ends every stream (GATEWAY_SHUTTING_DOWN) and closes the WebSockets, before the HTTP server drains. */
  close(): Promise<void>;
}

export function createLive(options: LiveOptions): Live {
  const metrics = options.metrics;
  // Half the queue for a returning region's catch-up, so it never ends a subscriber as a slow consumer.
  const hub = new LiveHub(options.config.replayEvents, metrics, Math.max(1, Math.floor(options.config.queueLimit / 2)));
  let schema: GraphQLSchema | null = null;
  let url: string | null = null;
  const open = (
    info: Parameters<typeof openSubscription>[1],
    request: Parameters<typeof openSubscription>[2],
    lastEventId: string | null,
  ) =>
    openSubscription(
      {
        config: options.config,
        hub,
        metrics,
        schema: () => schema,
        regions: () => options.liveness.regions(),
        contextHooks: options.contextHooks,
        onRefusal: options.onRefusal,
        loopback: { url: () => url },
        recordSubscribe: options.recordSubscribe,
      },
      info,
      request,
      lastEventId,
    );
  const enabled = options.config.enabled;
  const ws = enabled ? wsTransport(open, options.server, () => schema) : null;
  if (enabled) hub.watchRegions(options.liveness);
  return {
    listener: hub,
    wrapGateway(gateway) {
      gateway.onSchemaLoadOrUpdate(({ apiSchema }) => {
        schema = apiSchema;
      });
      return gateway;
    },
    eventStream: enabled ? sseTransport(open, options.server) : null,
    isEventStream: (req) => enabled && isEventStreamRequest(req),
    upgrade: ws ? (req, socket, head) => ws.upgrade(req, socket, head) : null,
    listening(at) {
      url = at;
    },
    metrics,
    async close() {
      hub.close();
      // A moment for the streams to write their last result before the WebSockets close (1001).
      if (ws) await new Promise((resolve) => setTimeout(resolve, 100));
      await ws?.close();
    },
  };
}

export { liveSection, type LiveConfig } from './config.ts';
export { liveModule } from './schema.ts';
export { LiveMetrics } from './metrics.ts';
