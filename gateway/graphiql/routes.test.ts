/**
 * The GraphiQL routes behind the gateway's real HTTP router, over fake built assets: the
 * page and its headers, the assets, the dev-token route's absence in production, and the
 * 503 of a gateway started without a build.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sendText } from '../../common/http/respond.ts';
import { createHttpServer } from '../http/router.ts';
import { RegionRegistry } from '../registry/registry.ts';
import { CONTENT_SECURITY_POLICY } from './page.ts';
import { PAGE_CONFIG_ELEMENT_ID, type DemoToken, type PageConfig } from './page-config.ts';
import { DEV_TOKENS_PATH, graphiqlRoutes, type GraphiqlRouteOptions } from './routes.ts';

const DEV: PageConfig = { graphqlPath: '/graphql', mode: 'development', devTokensPath: DEV_TOKENS_PATH, demo: null };
const PRODUCTION: PageConfig = { graphqlPath: '/graphql', mode: 'production', devTokensPath: null, demo: null };
const TOKENS: DemoToken[] = [{ role: 'analyst', sub: 'GZ-1', region: 'GZ', token: 'eyJ.test.token' }];

const dirs: string[] = [];
const servers: Server[] = [];

afterAll(async () => {
  for (const server of servers) await new Promise((resolve) => server.close(resolve));
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

/** A GET with exactly this Host header (fetch does not let a test set Host). */
function rawGet(base: string, path: string, host: string): Promise<{ status: number; body: string }> {
  const { port } = new URL(base);
  return new Promise((resolve, reject) => {
    const request = httpRequest(
      { host: '127.0.0.1', port: Number(port), path, method: 'GET', setHost: false, headers: host ? { host } : {} },
      (response) => {
        let body = '';
        response
          .setEncoding('utf8')
          .on('data', (chunk: string) => {
            body += chunk;
          })
          .on('end', () => resolve({ status: response.statusCode!, body }));
      },
    );
    request.on('error', reject).end();
  });
}

function assetsDir(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'liandong-graphiql-assets-'));
  dirs.push(dir);
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

/** The gateway's router with these GraphiQL routes; GraphQL requests answer "graphql" so routing shows. */
async function serve(options: GraphiqlRouteOptions): Promise<string> {
  const routes = graphiqlRoutes(options);
  const server = createHttpServer({
    graphql: async (_req, res) => sendText(res, 200, 'graphql'),
    hooks: { metrics: (_req, res) => sendText(res, 200, ''), graphiql: routes.page, graphiqlAssets: routes.assets },
    registry: new RegionRegistry([]),
    logger: pino({ level: 'silent' }),
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

describe('GraphiQL routes (development)', () => {
  let base: string;
  beforeAll(async () => {
    base = await serve({
      assetsDir: assetsDir({ 'app.js': 'console.log(1)', 'app.css': 'body{}' }),
      config: DEV,
      demoTokens: async () => TOKENS,
    });
  });

  it('serves the page to browsers, with the CSP and its config block', async () => {
    const response = await fetch(`${base}/graphql`, { headers: { accept: 'text/html,application/xhtml+xml' } });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(response.headers.get('x-frame-options')).toBe('DENY');
    const html = await response.text();
    expect(html).toContain('<script type="module" src="/graphiql/app.js"></script>');
    const config = new RegExp(`<script type="application/json" id="${PAGE_CONFIG_ELEMENT_ID}">(.*?)</script>`).exec(html);
    const { styleNonce, ...rest } = JSON.parse(config![1]);
    expect(rest).toEqual(DEV);
    // The strict policy, with style elements admitted only by this page load's nonce.
    expect(styleNonce).toMatch(/^[A-Za-z0-9+/]{22}==$/);
    expect(response.headers.get('content-security-policy')).toBe(
      CONTENT_SECURITY_POLICY.replace("style-src 'self'", `style-src 'self' 'nonce-${styleNonce}'`),
    );
    const again = await fetch(`${base}/graphql`, { headers: { accept: 'text/html' } });
    expect(again.headers.get('content-security-policy')).not.toContain(styleNonce);
  });

  it('leaves GET queries and non-browser GETs to GraphQL', async () => {
    expect(await (await fetch(`${base}/graphql?query=%7B__typename%7D`, { headers: { accept: 'text/html' } })).text()).toBe('graphql');
    expect(await (await fetch(`${base}/graphql`, { headers: { accept: 'application/json' } })).text()).toBe('graphql');
  });

  it('serves the built assets with their content types', async () => {
    const js = await fetch(`${base}/graphiql/app.js`);
    expect(js.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(await js.text()).toBe('console.log(1)');
    expect((await fetch(`${base}/graphiql/app.css`)).headers.get('content-type')).toBe('text/css; charset=utf-8');
  });

  it('sends the assets gzipped to browsers that accept it', async () => {
    // fetch asks for gzip and decodes it: the text is the same, the header says it was compressed.
    const response = await fetch(`${base}/graphiql/app.js`, { headers: { 'accept-encoding': 'gzip' } });
    expect(response.headers.get('content-encoding')).toBe('gzip');
    expect(await response.text()).toBe('console.log(1)');
  });

  it('answers an unknown asset with 404 naming the assets, and other methods with 405', async () => {
    const missing = await fetch(`${base}/graphiql/../../etc/passwd`);
    expect(missing.status).toBe(404);
    const other = await fetch(`${base}/graphiql/nope.js`);
    expect(other.status).toBe(404);
    expect((await other.json()).errors[0]).toEqual({
      message: 'No GraphiQL asset at /graphiql/nope.js; the page uses /graphiql/app.js, /graphiql/app.css.',
      extensions: { code: 'NOT_FOUND' },
    });
    expect((await fetch(`${base}/graphiql/app.js`, { method: 'POST' })).status).toBe(405);
  });

  it('lists the demo tokens in development mode', async () => {
    const response = await fetch(`${base}${DEV_TOKENS_PATH}`);
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(await response.json()).toEqual(TOKENS);
  });

  it('hands the demo tokens only to loopback Host names, with or without a port', async () => {
    const port = new URL(base).port;
    for (const host of [`127.0.0.1:${port}`, '127.0.0.1', `localhost:${port}`, 'LOCALHOST', `[::1]:${port}`, '[::1]', '::1']) {
      const reply = await rawGet(base, DEV_TOKENS_PATH, host);
      expect([host, reply.status]).toEqual([host, 200]);
      expect(JSON.parse(reply.body)).toEqual(TOKENS);
    }
  });

  it('refuses the demo tokens to any other Host (DNS rebinding) with 403 and a stable code', async () => {
    for (const host of [
      'attacker.example:80',
      'attacker.example',
      '127.0.0.1.attacker.example',
      'localhost.attacker.example',
      '10.0.0.5:4000',
      '[::2]',
      '::2',
      '127.0.0.1:80x',
      '127.0.0.1:',
      '127.0.0.1:99999',
    ]) {
      const reply = await rawGet(base, DEV_TOKENS_PATH, host);
      expect([host, reply.status]).toEqual([host, 403]);
      expect(reply.body).not.toContain(TOKENS[0].token);
      const error = JSON.parse(reply.body).errors[0];
      expect(error.extensions).toEqual({ code: 'DEV_TOKENS_HOST_REFUSED' });
      expect(error.message).toContain('127.0.0.1, [::1] or localhost');
    }
  });
});

describe('GraphiQL routes (production)', () => {
  it('has no dev-token route and tells the page so', async () => {
    const base = await serve({ assetsDir: assetsDir({ 'app.js': '', 'app.css': '' }), config: PRODUCTION });
    expect((await fetch(`${base}${DEV_TOKENS_PATH}`)).status).toBe(404);
    const html = await (await fetch(`${base}/graphql`, { headers: { accept: 'text/html' } })).text();
    expect(html).toContain('"devTokensPath":null');
  });
});

describe('GraphiQL routes without a build', () => {
  it('answers the page with 503 saying to run npm run build', async () => {
    const dir = assetsDir({});
    const base = await serve({ assetsDir: dir, config: DEV });
    const response = await fetch(`${base}/graphql`, { headers: { accept: 'text/html' } });
    expect(response.status).toBe(503);
    const body = await response.json();
    expect(body.errors[0].extensions.code).toBe('GRAPHIQL_NOT_BUILT');
    expect(body.errors[0].message).toContain(`run \`npm run build\``);
  });
});
