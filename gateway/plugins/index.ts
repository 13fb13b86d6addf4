/**
 * Everything that plugs into a request, in one list per kind. This file only orders: each
 * concern's wiring is the factory its own folder exports (auth/index.ts, authorisation/,
 * limits/, audit/, cache/, metrics/ index.ts; graphiql/graphiql.ts, logging/request-log.ts,
 * operations/plugin.ts, registry/report-plugin.ts, disclosure/gateway-wrapper.ts), and no
 * concern calls another's (the build checks it: .dependency-cruiser.cjs). The lists:
 * - `contextHooks` run in order while the request context is built (before GraphQL);
 * - `plugins` are Apollo Server plugins, run in the order listed;
 * - `gatewayWrappers` wrap @apollo/gateway as Apollo Server sees it (the executor sees the
 *   operation just before it is planned; the first listed is outermost);
 * - `subgraphHeaders` adds headers to every subgraph request (the signed internal token);
 * - `http` fills the /metrics and GraphiQL routes.
 * And `ownSubgraphModules` lists what each concern adds to the gateway's own subgraph (root
 * fields composed into the supergraph), so own-subgraph/ knows no concern.
 */
import type { ApolloServerPlugin } from '@apollo/server';
import type { GatewayContext } from '../context.ts';
import type { GatewayInterface } from '@apollo/server-gateway-interface';
import type { BatchHeadersHook, HeadersHook, RegionMembership, RequestSealer } from '../federation/data-sources/index.ts';
import { createMembershipFilters } from '../filters/index.ts';
import { createGatewayCache, type RegionRequestCache } from '../cache/index.ts';
import type { Registry } from 'prom-client';
import type { ContextHook } from '../http/context.ts';
import type { HttpHooks } from '../http/hooks.ts';
import type { GatewayRuntime, GatewayServices } from '../services.ts';
import type { OwnSubgraphModule } from '../own-subgraph/module.ts';
import { regionsModule } from '../own-subgraph/regions.ts';
import { reportPlugin } from '../registry/report-plugin.ts';
import { assistanceMetrics } from '../registry/assistance-metrics.ts';
import { auditGraphModule, openGatewayAudit } from '../audit/index.ts';
import { createRefusals } from '../audit/refusals.ts';
import { subscriptionRecorder } from '../audit/subscription.ts';
import { operationResolutionPlugin } from '../operations/plugin.ts';
import { createMetrics } from '../metrics/index.ts';
import { createRequestLog } from '../logging/request-log.ts';
import { createGraphiql } from '../graphiql/graphiql.ts';
import { gatewaySecurity } from '../auth/index.ts';
import type { InternalHeadersHook } from '../auth/internal-headers.ts';
import { createAuthorisation } from '../authorisation/index.ts';
import { createLimits } from '../limits/index.ts';
import { withDisclosure } from '../disclosure/gateway-wrapper.ts';
import { createTrustedDocuments } from '../trusted-documents/index.ts';
import { operationFactsPlugin, tracedExecution, tracedHook, tracedPlugin } from '../tracing/phases.ts';
import { SPAN } from '../../common/tracing/spans.ts';
import { createLive, LiveMetrics } from '../live/index.ts';
import { liveModule } from '../live/schema.ts';
import { createPlanExecutor } from '../federation/executor/index.ts';

/** The gateway itself reads the regions' change streams and filters: a service caller with no scopes. */
const CHANGE_STREAM_CALLER = {
  sub: 'liandong-gateway:cache',
  name: 'Liandong gateway (cache invalidation)',
  region: 'GATEWAY',
  roles: [],
  scopes: new Set<string>(),
  anonymous: false,
};

function changeStreamSigner(headers: InternalHeadersHook) {
  return (region: string, part: string) =>
    headers({ code: region }, '', { caller: CHANGE_STREAM_CALLER, purpose: null, requestId: 'cache-invalidation' }, part);
}

/**
 * The modules of the gateway's own subgraph, in order: region status, the auditor queries
 * (they find the audit index the audit concern opens), the subscription root fields.
 * Built before the concerns (the supergraph is composed from them), hence its own list.
 */
export function ownSubgraphModules(services: GatewayServices): OwnSubgraphModule[] {
  return [regionsModule(services.registry), auditGraphModule(services), liveModule()];
}

export type GatewayWrapper = (gateway: GatewayInterface) => GatewayInterface;

export interface GatewayExtensions {
  contextHooks: ContextHook[];
  plugins: ApolloServerPlugin<GatewayContext>[];
  gatewayWrappers: GatewayWrapper[];
  subgraphHeaders?: HeadersHook;
  /** The same for the requests of one fan-out at once (one signature for all). */
  subgraphBatchHeaders?: BatchHeadersHook;
  /** One-region requests signed as they leave, so concurrent ones may share an envelope. */
  subgraphSealer?: RequestSealer;
  /** The entity cache the region data sources consult (gateway/cache); null when disabled. */
  regionCache?: RegionRequestCache | null;
  /** The regions' membership filters the index data source consults (gateway/filters); null when disabled. */
  membership?: RegionMembership | null;
  /** Options for @apollo/gateway: which executor runs its query plans (federation/executor/). */
  apolloGatewayOptions: { telemetry: object };
  /** Metric registries to expose on /metrics besides the main one (the cache's counters). */
  metricRegistries: Registry[];
  http: HttpHooks;
  /** Audits a request refused before GraphQL ran (401, 400, 413) and says what to answer; rejects when it cannot audit. */
  onRefusal?: (context: GatewayContext, error: unknown) => Promise<unknown>;
  /** Fills in a named trusted document's text before Apollo Server reads the request (throws HttpError for an unknown id). */
  resolveParameters?: (params: Record<string, unknown>) => Record<string, unknown>;
  /** Run when the gateway stops, after the last request (flush the audit log, quit Redis…). */
  closers: Array<() => Promise<void>>;
  /** Told the gateway's own /graphql URL once it listens (subscriptions resolve events through it). */
  listening: Array<(url: string) => void>;
  /** Run when the gateway starts stopping, before in-flight requests drain (end subscription streams). */
  stopping: Array<() => Promise<void>>;
}

/** Async: a concern may open its resources (audit file, Redis) before the gateway listens. */
export async function gatewayExtensions(runtime: GatewayRuntime): Promise<GatewayExtensions> {
  const { config, logger, registry, supergraph } = runtime;
  // Who (authentication) and why (purpose) first: every later layer reads context.caller.
  const security = await gatewaySecurity({ mode: config.mode, allowAnonymous: config.allowAnonymous, auth: config.auth, registry });
  const authorisation = createAuthorisation({
    requirements: supergraph.requirements,
    config: config.authorisation,
    policy: security.policy,
    explainScope: security.explainScope,
  });
  const limits = createLimits({ config: config.limits, logger });
  const cache = createGatewayCache(config.cache, logger, changeStreamSigner(security.subgraphHeaders), (request) =>
    registry.regions(request),
  );
  cache.follow(registry.regions());
  // The filters listen to the cache's one stream per region (no second connection) and keep it following the registry.
  const filters = createMembershipFilters(
    { ...config.filters, keysDir: config.filters.keysDir ?? config.auth.keysDir },
    logger,
    changeStreamSigner(security.subgraphHeaders),
    () => {
      const regions = registry.regions();
      cache.follow(regions);
      return regions;
    },
    cache.changes,
  );
  const audit = await openGatewayAudit(runtime);
  const liveMetrics = new LiveMetrics();
  const executor = createPlanExecutor(config.executor);
  const metricRegistries = [
    executor.metrics.registry,
    cache.metrics.registry,
    limits.metrics.registry,
    filters.metrics.registry,
    liveMetrics.registry,
    assistanceMetrics(registry),
  ];
  const metrics = createMetrics({ registries: metricRegistries, audit: audit.metrics, config: config.metrics });
  const requestLog = createRequestLog(logger);
  const refusals = createRefusals({
    config: config.limits.refusalsPerAddress,
    recorder: audit.recorder,
    observe: metrics.observeRefusal,
    log: requestLog.logRefusal,
    logger,
  });
  // Subscriptions: fed by the cache's one change stream per region, events resolved through the whole pipeline.
  const live = createLive({
    config: config.live,
    metrics: liveMetrics,
    server: config.server,
    contextHooks: security.contextHooks,
    onRefusal: refusals.onRefusal,
    recordSubscribe: audit.recorder ? subscriptionRecorder(audit.recorder) : null,
    liveness: {
      // Polled every second: also keeps the streams in step with a reloaded registry when no cache query does.
      regions: () => {
        const regions = registry.regions();
        cache.follow(regions);
        return regions.map((r) => r.code);
      },
      isLive: (region) => cache.changes.isLive(region),
      mayHold: (region, kind, key) => filters.membership?.mayHold(region, kind, key) ?? true,
    },
  });
  cache.changes.listen(live.listener);
  const graphiql = createGraphiql(runtime);
  const trustedDocuments = createTrustedDocuments(config.trustedDocuments, logger, authorisation.prepare);
  const operationFacts = operationFactsPlugin();
  return {
    regionCache: cache.requests,
    membership: filters.membership,
    apolloGatewayOptions: executor.gatewayOptions,
    metricRegistries,
    // The region list first (in-flight queries finish with the regions they started with,
    // whatever hot registration does meanwhile); then authentication, purpose, and the
    // per-officer rate limit (so refused and unparsable requests count too).
    // Tracing (off by default) only adds phase spans around these layers (gateway/tracing/).
    contextHooks: [
      (context) => registry.pin(context),
      ...security.contextHooks.map((hook) => tracedHook(SPAN.authentication, hook)),
      limits.rateLimitHook,
    ],
    plugins: [
      // First: no other layer needs to look at an operation that cannot run (400, audited).
      operationResolutionPlugin(),
      ...(operationFacts ? [operationFacts] : []),
      ...security.plugins.map((plugin) => tracedPlugin(SPAN.authentication, plugin)),
      // Which texts may run at all (registered documents, or free text for some roles).
      ...(trustedDocuments ? [trustedDocuments.plugin] : []),
      tracedPlugin(SPAN.authorisation, authorisation.plugin),
      // Before audit: a blocked bulk lookup rewrites the response the audit then records.
      limits.plugin,
      reportPlugin(registry),
      graphiql.plugin,
      // Metrics and the request log report the response the client gets: Apollo Server runs
      // every willSendResponse at once, so they await the audit (context.audited), which may
      // still replace the answer with 503 AUDIT_UNAVAILABLE.
      metrics.plugin,
      requestLog.plugin,
      // Last: it records what the client is about to get, after every other plugin has shaped it.
      ...(audit.plugin ? [tracedPlugin(SPAN.auditAppend, audit.plugin)] : []),
    ],
    // Authorisation outermost: the executor plans the filtered operation under its own
    // query hash. Disclosure next: it adds hidden keys to what the caller may select and
    // reads back whose data the answer holds (for the audit and the bulk-lookup monitor).
    // The response cache innermost keeps what that operation returns, hidden keys included.
    gatewayWrappers: [
      live.wrapGateway,
      tracedExecution,
      authorisation.wrapGateway,
      withDisclosure,
      ...(cache.wrapGateway ? [cache.wrapGateway] : []),
    ],
    subgraphHeaders: security.subgraphHeaders,
    subgraphBatchHeaders: security.subgraphBatchHeaders,
    subgraphSealer: security.subgraphSealer,
    http: {
      metrics: metrics.route,
      graphiql: graphiql.routes.page,
      graphiqlAssets: graphiql.routes.assets,
      auditReady: () => audit.ready(),
      ...(live.eventStream ? { eventStream: live.eventStream, isEventStream: live.isEventStream } : {}),
      ...(live.upgrade ? { upgrade: live.upgrade } : {}),
    },
    listening: [live.listening],
    // Long-lived streams would hold the HTTP server open for the whole shutdown grace.
    stopping: [() => live.close()],
    onRefusal: refusals.onRefusal,
    ...(trustedDocuments ? { resolveParameters: trustedDocuments.resolveParameters } : {}),
    // The refusal summaries still open go into the audit log before it closes.
    closers: [
      () => cache.close(),
      () => filters.close(),
      () => limits.close(),
      () => refusals.close(),
      () => audit.close(),
      async () => trustedDocuments?.close(),
      async () => executor.close(),
    ],
  };
}
