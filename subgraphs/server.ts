/**
 * The generic regional subgraph server: the three contract parts over one adapter.
 *
 * One node:http server; one ApolloServer per part at `/records`, `/index`, `/search`;
 * `GET /healthz`. Hooks let other layers join without changing this file:
 * - `requestGuard` runs before GraphQL (e.g. verifying the gateway's internal token) and
 *   may reject (401 by default) or add fields to the context (the verified caller);
 * - `schemaTransform` wraps each part's schema (e.g. graphql-shield rules);
 * - `plugins` are added to every part's ApolloServer (e.g. the disclosure log);
 * - `contextExtension` adds fields to every request's context.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import type { GraphQLSchema } from 'graphql';
import { ApolloServer, type ApolloServerPlugin } from '@apollo/server';
import {
  ApolloServerPluginCacheControlDisabled,
  ApolloServerPluginInlineTraceDisabled,
  ApolloServerPluginLandingPageDisabled,
  ApolloServerPluginUsageReportingDisabled,
} from '@apollo/server/plugin/disabled';
import type { RegionAdapter } from '../adapters/adapter.ts';
import { buildPartSchema } from './contract.ts';
import { CONTRACT_PARTS, CORE_CONTEXT_KEYS, type ContractPart, type SubgraphContext } from './context.ts';
import { createErrorFormatter } from './errors.ts';
import { checkHealth } from './health.ts';
import { HttpError, sendError, sendJson } from '../common/http/respond.ts';
import { completeText, jsonRequest, readBody, sendGraphQLResponse, sendJsonText, toGraphQLRequest } from './http.ts';
import { envelopeAnswerText, isEnvelope, readEnvelope, refusedAnswer, type EnvelopedAnswer, type EnvelopedRequest } from './envelope.ts';
import { drainable } from './drain.ts';
import { createLoaders } from './loaders.ts';
import { defaultLogger, type Logger } from './logger.ts';
import { extractTraceContext, inSpan, setFacts, SPAN, SpanKind, tracingState } from '../common/tracing/spans.ts';

/** What a request guard decides. A rejection is answered before any GraphQL runs. */
export type GuardResult = { ok: true; context?: Record<string, unknown> } | { ok: false; status?: number; code?: string; message: string };

/**
 * Checks one request before GraphQL runs. Its `envelope`, when present, checks an
 * envelope of several (envelope.ts): a refusal of the whole, or one result per request.
 */
export type RequestGuard = ((req: IncomingMessage, body: string) => Promise<GuardResult>) & { envelope?: EnvelopeGuard };
export type EnvelopeGuard = (
  req: IncomingMessage,
  requests: readonly EnvelopedRequest[],
) => Promise<{ ok: true; requests: GuardResult[] } | Extract<GuardResult, { ok: false }>>;
export type SchemaTransform = (schema: GraphQLSchema, part: ContractPart) => GraphQLSchema;
export type ContextExtension = (req: IncomingMessage) => Record<string, unknown> | Promise<Record<string, unknown>>;

export interface SubgraphServerOptions {
  adapter: RegionAdapter;
  /** Default 127.0.0.1. */
  host?: string;
  /** Default 0 (a free port; read it from `url`). */
  port?: number;
  requestGuard?: RequestGuard;
  schemaTransform?: SchemaTransform;
  plugins?: ApolloServerPlugin<SubgraphContext>[];
  contextExtension?: ContextExtension;
  logger?: Logger;
  /** Largest request body accepted, in bytes (default 2 MiB); larger ones get 413. */
  maxBodyBytes?: number;
  /** Largest batch a DataLoader hands the adapter (default 1000). */
  maxBatchSize?: number;
  /**
   * Extra non-GraphQL routes (e.g. `GET /changes`, the change stream for gateway caches;
   * see changes/). `close()` is called before the server stops: long-lived responses
   * such as event streams would otherwise keep it from closing.
   */
  routes?: SubgraphRoute[];
}

export interface SubgraphRoute {
  method: string;
  path: string;
  /**
   * Whether the request guard runs first (as for the contract parts). The change stream
   * carries record ids and identity numbers, so only the gateway may read it.
   */
  guarded?: boolean;
  handle(req: IncomingMessage, res: ServerResponse): void | Promise<void>;
  close?(): Promise<void>;
}

export interface SubgraphServer {
  /** Base URL, e.g. `http://127.0.0.1:4101`; the parts are at `${url}/records` etc. */
  url: string;
  /**
   * Stops accepting connections, lets in-flight requests finish (their answers close
   * their connections: drain.ts), stops Apollo. Does not close the adapter.
   */
  close(): Promise<void>;
}

export const DEFAULT_MAX_BODY_BYTES = 2 * 1024 * 1024;
/** Longer than the gateway's keep-alive idle time, so the server never closes a socket the client is about to reuse. */
const KEEP_ALIVE_TIMEOUT_MS = 65_000;
const REQUEST_ID = /^[\w.:-]{1,128}$/;

function buildApollo(schema: GraphQLSchema, options: SubgraphServerOptions, logger: Logger): ApolloServer<SubgraphContext> {
  return new ApolloServer<SubgraphContext>({
    schema,
    logger,
    formatError: createErrorFormatter(logger),
    includeStacktraceInErrorResponses: false,
    // Only the gateway calls a subgraph: no APQ, no batched HTTP requests.
    persistedQueries: false,
    allowBatchedHttpRequests: false,
    introspection: true,
    // The process owner (main.ts) decides when to stop; Apollo's own signal handlers
    // would stop the servers under in-flight requests and re-raise the signal.
    stopOnTerminationSignals: false,
    plugins: [
      ApolloServerPluginInlineTraceDisabled(),
      ApolloServerPluginUsageReportingDisabled(),
      ApolloServerPluginLandingPageDisabled(),
      // No cache hints in the contract; the gateway caches. Saves a hook on every field.
      ApolloServerPluginCacheControlDisabled(),
      ...(options.plugins ?? []),
    ],
  });
}

function requestIdOf(sent: string | string[] | undefined): string {
  return typeof sent === 'string' && REQUEST_ID.test(sent) ? sent : randomUUID();
}

/** Hook-provided fields; a hook that would overwrite a core field is a wiring bug, refused loudly. */
async function extensionFields(req: IncomingMessage, guarded: Record<string, unknown> | undefined, options: SubgraphServerOptions) {
  const fields = { ...guarded, ...(await options.contextExtension?.(req)) };
  const clash = Object.keys(fields).find((key) => CORE_CONTEXT_KEYS.has(key));
  if (clash)
    throw new Error(
      `request guard / contextExtension set the reserved context field "${clash}"; reserved: ${[...CORE_CONTEXT_KEYS].join(', ')}`,
    );
  return fields;
}

/** One started ApolloServer per contract part, each schema passed through `schemaTransform`. */
async function startParts(options: SubgraphServerOptions, logger: Logger): Promise<Map<ContractPart, ApolloServer<SubgraphContext>>> {
  const apollos = new Map<ContractPart, ApolloServer<SubgraphContext>>();
  for (const part of CONTRACT_PARTS) {
    const schema = buildPartSchema(part);
    apollos.set(part, buildApollo(options.schemaTransform ? options.schemaTransform(schema, part) : schema, options, logger));
  }
  await Promise.all([...apollos.values()].map((apollo) => apollo.start()));
  return apollos;
}

/** The answer to a request that failed outside GraphQL execution (body, guard, hooks). */
function answerFailure(error: unknown, req: IncomingMessage, res: ServerResponse, logger: Logger): void {
  if (error instanceof HttpError) {
    // The rest of an oversized body is never read: close the connection after answering.
    if (error.status === 413) res.setHeader('connection', 'close');
    if (!res.headersSent) sendError(res, error.status, error.code, error.message);
    return;
  }
  logger.error({ err: error, url: req.url }, 'request failed outside GraphQL execution');
  if (!res.headersSent) sendError(res, 500, 'INTERNAL_SERVER_ERROR', 'Internal server error');
  else res.destroy();
}

/** Listens and returns the base URL; a port already taken is reported with the address asked for. */
async function listen(server: Server, host: string, port: number): Promise<string> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error) => reject(new Error(`cannot listen on ${host}:${port}: ${error.message}`, { cause: error })));
    server.listen(port, host, () => resolve());
  });
  const address = server.address() as AddressInfo;
  const shown = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return `http://${shown}:${address.port}`;
}

function checkOptions(options: SubgraphServerOptions): void {
  for (const name of ['maxBodyBytes', 'maxBatchSize', 'port'] as const) {
    const value = options[name];
    const min = name === 'port' ? 0 : 1;
    if (value !== undefined && (!Number.isInteger(value) || value < min || (name === 'port' && value > 65535))) {
      throw new Error(
        `createSubgraphServer: ${name} must be an integer ${name === 'port' ? 'from 0 to 65535' : 'of at least 1'}, got ${String(value)}`,
      );
    }
  }
  if (typeof options.adapter?.region?.code !== 'string') throw new Error('createSubgraphServer: adapter.region.code is missing');
}

export async function createSubgraphServer(options: SubgraphServerOptions): Promise<SubgraphServer> {
  checkOptions(options);
  const { adapter } = options;
  const region = adapter.region.code;
  const logger = options.logger ?? defaultLogger(region);
  const maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  const apollos = await startParts(options, logger);
  const stopParts = () => Promise.all([...apollos.values()].map((apollo) => apollo.stop()));

  async function serveGraphQL(req: IncomingMessage, res: ServerResponse, url: URL, part: ContractPart): Promise<void> {
    const body = await readBody(req, maxBodyBytes);
    if (isEnvelope(req)) return serveEnvelope(req, res, part, body);
    const verdict: GuardResult = options.requestGuard ? await options.requestGuard(req, body) : { ok: true };
    if (!verdict.ok) {
      sendError(res, verdict.status ?? 401, verdict.code ?? 'UNAUTHENTICATED', verdict.message);
      return;
    }
    const context = await contextFor(req, part, verdict.context, req.headers['x-request-id']);
    const response = await apollos.get(part)!.executeHTTPGraphQLRequest({
      httpGraphQLRequest: toGraphQLRequest(req, url, body),
      context: async () => context,
    });
    await sendGraphQLResponse(res, response);
  }

  async function contextFor(
    req: IncomingMessage,
    part: ContractPart,
    guarded: Record<string, unknown> | undefined,
    requestId: string | string[] | undefined,
  ): Promise<SubgraphContext> {
    return {
      ...(await extensionFields(req, guarded, options)),
      region,
      part,
      adapter,
      logger,
      loaders: createLoaders(adapter, { maxBatchSize: options.maxBatchSize }),
      requestId: requestIdOf(requestId),
    };
  }

  /** Several gateway requests in one (envelope.ts): each checked and run as if alone, answered together. */
  async function serveEnvelope(req: IncomingMessage, res: ServerResponse, part: ContractPart, body: string): Promise<void> {
    const requests = readEnvelope(body);
    const guard = options.requestGuard;
    if (guard && !guard.envelope) return sendError(res, 400, 'BAD_REQUEST', 'this subgraph takes one request at a time (no envelopes)');
    const verdict = guard?.envelope
      ? await guard.envelope(req, requests)
      : { ok: true as const, requests: requests.map(() => ({ ok: true as const })) };
    if (!verdict.ok) return sendError(res, verdict.status ?? 401, verdict.code ?? 'UNAUTHENTICATED', verdict.message);
    const answers = await Promise.all(requests.map((request, i) => answerEnveloped(req, part, request, verdict.requests[i])));
    sendJsonText(res, envelopeAnswerText(answers));
  }

  async function answerEnveloped(
    req: IncomingMessage,
    part: ContractPart,
    request: EnvelopedRequest,
    verdict: GuardResult,
  ): Promise<EnvelopedAnswer> {
    if (!verdict.ok) return refusedAnswer(verdict.status ?? 401, verdict.code ?? 'UNAUTHENTICATED', verdict.message);
    let graphQLRequest;
    try {
      graphQLRequest = jsonRequest(request.body);
    } catch (error) {
      return refusedAnswer(400, 'BAD_REQUEST', (error as Error).message);
    }
    const context = await contextFor(req, part, verdict.context, request.requestId);
    const response = await apollos
      .get(part)!
      .executeHTTPGraphQLRequest({ httpGraphQLRequest: graphQLRequest, context: async () => context });
    return { status: response.status ?? 200, body: await completeText(response) };
  }

  /**
   * The request as a span, child of the gateway's region fetch (its `traceparent`), so
   * the adapter's calls beneath join the gateway's trace. Region, part and status only.
   */
  function tracedServe(req: IncomingMessage, res: ServerResponse, url: URL, part: ContractPart): Promise<void> {
    return inSpan(
      SPAN.subgraphRequest,
      { 'liandong.region': region, 'liandong.part': part },
      async (span) => {
        try {
          await serveGraphQL(req, res, url, part);
        } finally {
          setFacts(span, { 'http.response.status_code': res.statusCode });
        }
      },
      SpanKind.SERVER,
      extractTraceContext(req.headers),
    );
  }

  async function route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://subgraph.invalid');
    const part = url.pathname.slice(1) as ContractPart;
    const extra = options.routes?.find((r) => r.path === url.pathname && r.method === req.method);
    if (extra) {
      if (extra.guarded && options.requestGuard) {
        const verdict = await options.requestGuard(req, '');
        if (!verdict.ok) return sendError(res, verdict.status ?? 401, verdict.code ?? 'UNAUTHENTICATED', verdict.message);
      }
      await extra.handle(req, res);
    } else if (url.pathname === '/healthz' && (req.method === 'GET' || req.method === 'HEAD')) {
      const health = await checkHealth(adapter, logger);
      sendJson(res, health.status, health.body);
    } else if (apollos.has(part)) {
      if (tracingState.on) await tracedServe(req, res, url, part);
      else await serveGraphQL(req, res, url, part);
    } else {
      sendError(
        res,
        404,
        'NOT_FOUND',
        `no route for ${req.method} ${url.pathname}; the parts are at /records, /index, /search and health at GET /healthz`,
      );
    }
  }

  const server = createServer((req, res) => {
    drain.track(res);
    route(req, res).catch((error: unknown) => answerFailure(error, req, res, logger));
  });
  server.keepAliveTimeout = KEEP_ALIVE_TIMEOUT_MS;
  server.headersTimeout = KEEP_ALIVE_TIMEOUT_MS + 1000;
  const drain = drainable(server);
  let url: string;
  try {
    url = await listen(server, options.host ?? '127.0.0.1', options.port ?? 0);
  } catch (error) {
    await stopParts();
    throw error;
  }

  return {
    url,
    async close() {
      for (const extra of options.routes ?? []) await extra.close?.();
      await drain.drain();
      await stopParts();
    },
  };
}
