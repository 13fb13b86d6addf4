/**
 * Everything that plugs into a request, in one list per kind. A concern (authentication,
 * authorisation, limits, audit, cache, metrics, GraphiQL) adds its entries here:
 * - `contextHooks` run in order while the request context is built (before GraphQL);
 * - `plugins` are Apollo Server plugins, run in the order listed;
 * - `gatewayWrappers` wrap @apollo/gateway as Apollo Server sees it (the executor sees the
 *   operation just before it is planned; the first listed is outermost);
 * - `subgraphHeaders` adds headers to every subgraph request (the signed internal token);
 * - `http` fills the /metrics and GraphiQL routes.
 */
import type { ApolloServerPlugin } from '@apollo/server';
import type { GatewayContext } from '../context.ts';
import type { GatewayInterface } from '@apollo/server-gateway-interface';
import type { HeadersHook } from '../federation/data-sources/index.ts';
import { createGatewayCache, type RegionRequestCache } from '../cache/index.ts';
import type { Registry } from 'prom-client';
import type { ContextHook } from '../http/context.ts';
import type { HttpHooks } from '../http/hooks.ts';
import type { GatewayRuntime } from '../services.ts';
import { reportPlugin } from './report.ts';
import { openGatewayAudit } from './audit.ts';
import { createMetrics } from './metrics.ts';
import { requestLogPlugin } from '../logging/request-log.ts';
import { createGraphiql } from '../graphiql/graphiql.ts';

export type GatewayWrapper = (gateway: GatewayInterface) => GatewayInterface;

export interface GatewayExtensions {
  contextHooks: ContextHook[];
  plugins: ApolloServerPlugin<GatewayContext>[];
  gatewayWrappers: GatewayWrapper[];
  subgraphHeaders?: HeadersHook;
  /** The entity cache the region data sources consult (gateway/cache); null when disabled. */
  regionCache?: RegionRequestCache | null;
  /** Metric registries to expose on /metrics besides the main one (the cache's counters). */
  metricRegistries: Registry[];
  http: HttpHooks;
  /** Run when the gateway stops, after the last request (flush the audit log, quit Redis…). */
  closers: Array<() => Promise<void>>;
}

/** Async: a concern may open its resources (audit file, Redis) before the gateway listens. */
export async function gatewayExtensions(runtime: GatewayRuntime): Promise<GatewayExtensions> {
  const cache = createGatewayCache(runtime.config.cache, runtime.logger);
  cache.follow(runtime.registry.regions());
  const audit = await openGatewayAudit(runtime);
  const metricRegistries = [cache.metrics.registry];
  const metrics = createMetrics({ registries: metricRegistries, audit: audit.metrics });
  const graphiql = createGraphiql(runtime);
  return {
    regionCache: cache.requests,
    metricRegistries,
    contextHooks: [],
    plugins: [
      reportPlugin(runtime.registry),
      graphiql.plugin,
      metrics.plugin,
      requestLogPlugin(runtime.logger),
      // Last: it records what the client is about to get, after every other plugin has shaped it.
      ...(audit.plugin ? [audit.plugin] : []),
    ],
    gatewayWrappers: [],
    http: { metrics: metrics.route, graphiql: graphiql.routes.page, graphiqlAssets: graphiql.routes.assets },
    closers: [() => cache.close(), () => audit.close()],
  };
}
