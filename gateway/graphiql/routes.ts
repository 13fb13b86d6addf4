/**
 * The GraphiQL routes: the page (GET /graphql from a browser), its built assets
 * (GET /graphiql/app.js, /graphiql/app.css) and, in development mode only, the demo
 * tokens the page's role picker offers (GET /graphiql/dev-tokens), to loopback Host names
 * only (see loopback-host.ts).
 *
 * The assets are read once at start-up; a gateway started without a build still
 * serves GraphQL and answers the page with a 503 that says to run `npm run build`.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { quoteInput } from '../../common/normalise/index.ts';
import type { RouteHandler } from '../http/hooks.ts';
import { HttpError, sendJson } from '../../common/http/respond.ts';
import { ASSETS, ASSETS_PREFIX, type Asset } from './assets.ts';
import { isLoopbackHost, LOOPBACK_HOSTS } from './loopback-host.ts';
import { contentSecurityPolicy, newStyleNonce, renderPage, SECURITY_HEADERS } from './page.ts';
import type { DemoToken, PageConfig } from './page-config.ts';

export const DEV_TOKENS_PATH = `${ASSETS_PREFIX}dev-tokens`;

interface LoadedAsset extends Asset {
  body: Buffer;
  /** Compressed once at start: the bundle is ~1.3 MB, ~0.4 MB gzipped. */
  gzipped: Buffer;
}

export interface GraphiqlRoutes {
  page: RouteHandler;
  /** Everything under /graphiql/. */
  assets: RouteHandler;
}

export interface GraphiqlRouteOptions {
  assetsDir: string;
  config: PageConfig;
  /** Development only: mints the demo tokens. Absent: the dev-token route does not exist. */
  demoTokens?: () => Promise<DemoToken[]>;
}

export function graphiqlRoutes(options: GraphiqlRouteOptions): GraphiqlRoutes {
  const assets = loadAssets(options.assetsDir);
  return {
    page: (_req, res) => {
      if (!assets) throw notBuilt(options.assetsDir);
      const styleNonce = newStyleNonce();
      const html = renderPage({ ...options.config, styleNonce });
      send(res, 200, 'text/html; charset=utf-8', html, {
        'cache-control': 'no-store',
        'content-security-policy': contentSecurityPolicy(styleNonce),
      });
    },
    assets: async (req, res) => {
      const path = pathOf(req);
      if (path === DEV_TOKENS_PATH && options.demoTokens) return sendDevTokens(req, res, options.demoTokens);
      const asset = assets?.get(path.slice(ASSETS_PREFIX.length));
      if (!asset)
        throw new HttpError(
          404,
          'NOT_FOUND',
          `No GraphiQL asset at ${path}; the page uses ${ASSETS.map((a) => ASSETS_PREFIX + a.file).join(', ')}.`,
        );
      const gzip = /\bgzip\b/.test(String(req.headers['accept-encoding'] ?? ''));
      const encoding: Record<string, string> = gzip ? { 'content-encoding': 'gzip', vary: 'accept-encoding' } : { vary: 'accept-encoding' };
      send(res, 200, asset.contentType, gzip ? asset.gzipped : asset.body, { 'cache-control': 'no-cache', ...encoding });
    },
  };
}

/** Null when the build has not run: the page cannot work, GraphQL still does. */
function loadAssets(dir: string): Map<string, LoadedAsset> | null {
  if (!ASSETS.every((a) => existsSync(join(dir, a.file)))) return null;
  return new Map(
    ASSETS.map((a) => {
      const body = readFileSync(join(dir, a.file));
      return [a.file, { ...a, body, gzipped: gzipSync(body) }];
    }),
  );
}

function notBuilt(dir: string): HttpError {
  return new HttpError(
    503,
    'GRAPHIQL_NOT_BUILT',
    `GraphiQL is not built (no ${ASSETS.map((a) => a.file).join(' / ')} in ${dir}); run \`npm run build\` and restart the gateway.`,
  );
}

/** Stable code of a dev-token request whose Host is not a loopback name. */
export const DEV_TOKENS_HOST_REFUSED = 'DEV_TOKENS_HOST_REFUSED';

async function sendDevTokens(req: IncomingMessage, res: ServerResponse, demoTokens: () => Promise<DemoToken[]>): Promise<void> {
  const host = req.headers.host;
  if (!isLoopbackHost(host)) {
    throw new HttpError(
      403,
      DEV_TOKENS_HOST_REFUSED,
      `${DEV_TOKENS_PATH} answers only requests whose Host is ${LOOPBACK_HOSTS} (with or without a port), got ${host === undefined ? 'none' : quoteInput(host)}; open GraphiQL at http://127.0.0.1:<port>/graphql.`,
    );
  }
  sendJson(res, 200, await demoTokens(), { ...SECURITY_HEADERS, 'cache-control': 'no-store' });
}

function send(res: ServerResponse, status: number, contentType: string, body: string | Buffer, headers: Record<string, string>): void {
  res.writeHead(status, { ...SECURITY_HEADERS, ...headers, 'content-type': contentType, 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

function pathOf(req: IncomingMessage): string {
  return new URL(req.url ?? '/', 'http://gateway').pathname;
}
