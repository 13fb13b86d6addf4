/**
 * The gateway's HTTP server: a few fixed routes on node's http module. No framework:
 * the surface is small and stable (ARCHITECTURE.md "Public surface"), and owning the body
 * reading is what makes the 413 limit exact.
 */
import { randomUUID } from 'node:crypto';
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import type { RegionRegistry } from '../registry/registry.ts';
import type { GraphQLHandler } from './graphql.ts';
import { healthz, readyz } from './health.ts';
import type { HttpHooks } from './hooks.ts';
import { HttpError, sendError } from '../../common/http/respond.ts';

export const GRAPHQL_PATH = '/graphql';

export interface RouterOptions {
  graphql: GraphQLHandler;
  hooks: HttpHooks;
  registry: RegionRegistry;
  logger: Logger;
}

export function createHttpServer(options: RouterOptions): http.Server {
  const server = http.createServer({ keepAliveTimeout: 30_000 }, (req, res) => {
    const requestId = randomUUID();
    res.setHeader('x-request-id', requestId);
    route(req, res, requestId, options).catch((error) => fail(res, error, options.logger, requestId));
  });
  server.on('upgrade', (req, socket, head) => {
    const path = new URL(req.url ?? '/', 'http://gateway').pathname;
    if (path === GRAPHQL_PATH && options.hooks.upgrade) options.hooks.upgrade(req, socket, head);
    else socket.end('HTTP/1.1 404 Not Found\r\nconnection: close\r\ncontent-length: 0\r\n\r\n');
  });
  return server;
}

type Route = (req: IncomingMessage, res: ServerResponse, options: RouterOptions) => void | Promise<void>;

/** The operational routes: read-only, GET (and HEAD) only. */
const GET_ROUTES: Readonly<Record<string, Route>> = {
  '/healthz': (_req, res) => healthz(res),
  '/readyz': (_req, res, options) => readyz(res, options.registry, options.hooks.auditReady),
  '/metrics': (req, res, options) => options.hooks.metrics(req, res),
};

const GRAPHIQL_ASSETS_PREFIX = '/graphiql/';
const graphiqlAssets: Route = (req, res, options) => {
  if (!options.hooks.graphiqlAssets) throw new HttpError(404, 'NOT_FOUND', 'GraphiQL is not enabled on this gateway.');
  return options.hooks.graphiqlAssets(req, res);
};

async function route(req: IncomingMessage, res: ServerResponse, requestId: string, options: RouterOptions): Promise<void> {
  const path = new URL(req.url ?? '/', 'http://gateway').pathname;
  const method = req.method ?? 'GET';
  if (path === GRAPHQL_PATH) {
    if (method === 'GET' && options.hooks.graphiql && wantsPage(req)) return options.hooks.graphiql(req, res);
    if (options.hooks.eventStream && options.hooks.isEventStream?.(req)) return options.hooks.eventStream(req, res);
    return options.graphql(req, res, requestId);
  }
  const handler = GET_ROUTES[path] ?? (path.startsWith(GRAPHIQL_ASSETS_PREFIX) ? graphiqlAssets : undefined);
  if (!handler) throw new HttpError(404, 'NOT_FOUND', `No route for ${method} ${path}; GraphQL is served at ${GRAPHQL_PATH}.`);
  if (method !== 'GET' && method !== 'HEAD') {
    throw new HttpError(405, 'METHOD_NOT_ALLOWED', `${method} ${path}: only GET is supported.`, { allow: 'GET, HEAD' });
  }
  return handler(req, res, options);
}

/** A browser navigating to /graphql (not a client sending a GET query). */
function wantsPage(req: IncomingMessage): boolean {
  const accept = req.headers.accept ?? '';
  return accept.includes('text/html') && !new URL(req.url ?? '/', 'http://gateway').searchParams.has('query');
}

function fail(res: ServerResponse, error: unknown, logger: Logger, requestId: string): void {
  if (res.headersSent) {
    res.destroy(error as Error);
    return;
  }
  if (error instanceof HttpError) {
    // After a refused body the rest of it is unread: close rather than reuse the connection.
    const headers = error.status === 413 ? { ...error.headers, connection: 'close' } : error.headers;
    sendError(res, error.status, error.code, error.message, headers);
    return;
  }
  logger.error({ err: error, requestId }, 'unhandled error while serving a request');
  sendError(res, 500, 'INTERNAL_SERVER_ERROR', `Internal error; quote request id ${requestId} to the operator.`);
}
