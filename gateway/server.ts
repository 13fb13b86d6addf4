/**
 * The gateway: @apollo/gateway over a static supergraph, inside Apollo Server 5, behind
 * Liandong's own HTTP layer.
 *
 *   createGateway(loadConfig(undefined))              // the regional contract
 *   createGateway(config, { supergraphFile: 'sg.graphql' })  // any Fed 2 supergraph
 *
 * Nothing reaches the internet: no uplink or IntrospectAndCompose (the supergraph is
 * composed here), no usage or schema reporting, no inline traces, no landing page.
 */
import { ApolloGateway } from '@apollo/gateway';
import { ApolloServer } from '@apollo/server';
import {
  ApolloServerPluginInlineTraceDisabled,
  ApolloServerPluginSchemaReportingDisabled,
  ApolloServerPluginUsageReportingDisabled,
} from '@apollo/server/plugin/disabled';
import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import type { GatewayInterface } from '@apollo/server-gateway-interface';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import type { GatewayConfig } from './config/sections.ts';
import type { GatewayContext } from './context.ts';
import { serviceBuilder } from './federation/build-service.ts';
import { closeRegionClients } from './federation/data-sources/index.ts';
import { regionalPart } from './federation/compose.ts';
import { regionalSupergraph, supergraphFromFile, type PreparedSupergraph } from './federation/supergraph.ts';
import { graphqlHandler, pipelineMarker } from './http/graphql.ts';
import { startTracing } from '../common/tracing/sdk.ts';
import { tracedGraphQL } from './tracing/phases.ts';
import { createHttpServer, GRAPHQL_PATH } from './http/router.ts';
import { createLogger } from './logger.ts';
import { buildOwnSubgraph, type OwnSubgraph } from './own-subgraph/module.ts';
import { gatewayExtensions, ownSubgraphModules, type GatewayExtensions } from './plugins/index.ts';
import { RegionRegistry } from './registry/registry.ts';
import { startHotReload } from './registry/hot-reload.ts';
import type { GatewayRuntime, GatewayServices } from './services.ts';

export interface GatewayOptions {
  /** Serve this Federation 2 supergraph file instead of composing the regional contract. */
  supergraphFile?: string;
  /** A registry built elsewhere (tests); default: loaded from `config.regions`. */
  registry?: RegionRegistry;
  logger?: Logger;
}

export interface RunningGateway {
  /** `http://host:port/graphql`. */
  url: string;
  port: number;
  registry: RegionRegistry;
  supergraph: PreparedSupergraph;
  /** Stops listening, lets in-flight requests finish (up to the configured grace), releases everything. */
  close(): Promise<void>;
}

/**
 * @apollo/gateway 2.x reports "data collection" metrics to Apollo over OTLP and, to label
 * them, probes cloud metadata services (169.254.169.254) — unless this variable is set.
 * A police network is air-gapped: nothing may leave the machine, so it is always set.
 */
export function disableApolloTelemetry(): void {
  process.env.APOLLO_TELEMETRY_DISABLED = 'true';
}

export async function createGateway(config: GatewayConfig, options: GatewayOptions = {}): Promise<RunningGateway> {
  disableApolloTelemetry();
  const logger = options.logger ?? createLogger();
  // Before the plugins are built: each layer decides once whether it adds spans.
  const tracing = await startTracing(config.tracing);
  const { supergraph, services, own } = prepare(config, options, logger);
  const runtime: GatewayRuntime = { ...services, supergraph };
  const extensions = await gatewayExtensions(runtime);
  const gateway = new ApolloGateway({
    supergraphSdl: supergraph.gatewaySdl,
    buildService: serviceBuilder(
      runtime,
      own?.schema ?? null,
      { headers: extensions.subgraphHeaders, batchHeaders: extensions.subgraphBatchHeaders, sealer: extensions.subgraphSealer },
      extensions.regionCache,
      extensions.membership,
    ),
    logger: logger.child({ component: 'apollo-gateway' }),
    // Each fetch of a (cached) plan carries its parsed operation, so the data sources
    // read it rather than parse the same fetch text again on every request.
    queryPlannerConfig: { exposeDocumentNodeInFetchNode: true },
    // Which executor runs the plans (config `executor.engine`, gateway/federation/executor/).
    ...extensions.apolloGatewayOptions,
  });
  const apollo = apolloServer(wrap(gateway, extensions), extensions, logger);
  await apollo.start();
  const http = createHttpServer({
    graphql: tracedGraphQL(
      graphqlHandler(apollo, {
        ...config.server,
        maxVariablesDepth: config.limits.maxVariablesDepth,
        contextHooks: extensions.contextHooks,
        onRefusal: extensions.onRefusal,
        resolveParameters: extensions.resolveParameters,
      }),
    ),
    hooks: extensions.http,
    registry: services.registry,
    logger,
  });
  const port = await listen(http, config.server.host, config.server.port).catch(async (error: Error) => {
    await apollo.stop();
    await closeRegionClients(services.registry);
    for (const close of extensions.closers) await close();
    await tracing.shutdown();
    throw new Error(`cannot listen on ${config.server.host}:${config.server.port} (${error.message})`);
  });
  const stopWatching = startHotReload(services.registry, logger, extensions.subgraphHeaders);
  const url = `http://${urlHost(config.server.host)}:${port}${GRAPHQL_PATH}`;
  for (const listening of extensions.listening) listening(url);
  logger.info({ url, supergraph: supergraph.origin, subgraphs: supergraph.subgraphs.map((s) => s.name) }, 'gateway started');
  return {
    url,
    port,
    registry: services.registry,
    supergraph,
    close: once(async () => {
      stopWatching();
      for (const stop of extensions.stopping) await stop();
      await closeHttp(http, config.server.shutdownGraceMs);
      await apollo.stop();
      await closeRegionClients(services.registry);
      for (const close of extensions.closers) await close();
      // Last: the spans of the final requests are exported before the process exits.
      await tracing.shutdown();
    }),
  };
}

interface Prepared {
  supergraph: PreparedSupergraph;
  services: GatewayServices;
  /** The gateway's own subgraph; none in `--supergraph` mode (the file is served as it is). */
  own: OwnSubgraph | null;
}

/** The supergraph and what it is built from; in `--supergraph` mode regions are loaded only if the file uses them. */
function prepare(config: GatewayConfig, options: GatewayOptions, logger: Logger): Prepared {
  if (options.supergraphFile) {
    const supergraph = supergraphFromFile(options.supergraphFile);
    const usesRegions = supergraph.subgraphs.some((s) => regionalPart(s.url));
    const registry = options.registry ?? (usesRegions ? RegionRegistry.load(config.regions) : new RegionRegistry([]));
    const services: GatewayServices = { config, registry, logger };
    return { supergraph, services, own: null };
  }
  const services: GatewayServices = { config, registry: options.registry ?? RegionRegistry.load(config.regions), logger };
  const own = buildOwnSubgraph(ownSubgraphModules(services));
  return { supergraph: regionalSupergraph(own), services, own };
}

/** The first wrapper listed ends up outermost. */
function wrap(gateway: GatewayInterface, extensions: GatewayExtensions): GatewayInterface {
  return extensions.gatewayWrappers.reduceRight((inner, wrapper) => wrapper(inner), gateway);
}

function apolloServer(gateway: GatewayInterface, extensions: GatewayExtensions, logger: Logger): ApolloServer<GatewayContext> {
  return new ApolloServer<GatewayContext>({
    gateway,
    logger: logger.child({ component: 'apollo-server' }),
    plugins: [
      ApolloServerPluginUsageReportingDisabled(),
      ApolloServerPluginSchemaReportingDisabled(),
      ApolloServerPluginInlineTraceDisabled(),
      ApolloServerPluginLandingPageDisabled(),
      // Lets the HTTP layer tell a request the audit plugin saw from one Apollo Server refused before its plugins ran.
      pipelineMarker(),
      ...extensions.plugins,
    ],
    includeStacktraceInErrorResponses: false,
    // Apollo's default turns introspection off under NODE_ENV=production (the Docker image's), which
    // left GraphiQL without a schema there. Who may introspect is Liandong's rule, in every NODE_ENV:
    // authenticated callers only (auth/authentication-plugin.ts).
    introspection: true,
    // Apollo would stop itself on SIGINT/SIGTERM and then re-raise the signal, killing the
    // process before gateway/main.ts has closed the audit log (final signed checkpoint).
    // Whoever runs the gateway owns its signals and calls close(), which stops Apollo.
    stopOnTerminationSignals: false,
    // Only bearer tokens authenticate (never cookies), so a cross-site form post carries no identity.
    csrfPrevention: false,
  });
}

function listen(server: Server, host: string, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

async function closeHttp(server: Server, graceMs: number): Promise<void> {
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  server.closeIdleConnections();
  const timer = setTimeout(() => server.closeAllConnections(), graceMs);
  await closed;
  clearTimeout(timer);
}

function urlHost(host: string): string {
  if (host === '0.0.0.0' || host === '::') return '127.0.0.1';
  return host.includes(':') ? `[${host}]` : host;
}

function once(fn: () => Promise<void>): () => Promise<void> {
  let running: Promise<void> | null = null;
  return () => (running ??= fn());
}
