/**
 * The gateway core over real HTTP: routes, limits, readiness, the `regions` field,
 * `extensions.regions`, the `--supergraph` mode over plain subgraphs, and the CLI's
 * refusal of bad configuration.
 */
import { composeServices } from '@apollo/composition';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginInlineTraceDisabled } from '@apollo/server/plugin/disabled';
import { startStandaloneServer } from '@apollo/server/standalone';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { parse } from 'graphql';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deadUrl, startTestGateway, writeJson, type TestGateway } from '../support/gateway.ts';
import { startProcess, stopAll } from '../support/processes.ts';

const cleanups: Array<() => Promise<unknown> | unknown> = [];
afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
  await stopAll();
});

async function post(url: string, body: unknown, headers: Record<string, string> = {}) {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: response.status, headers: response.headers, json: (await response.json()) as any };
}

/** Answers GET /healthz like a region's subgraph does; nothing else is asked of it here. */
async function healthEndpoint(): Promise<string> {
  const server = http.createServer((req, res) => res.writeHead(req.url === '/healthz' ? 200 : 404).end('{"status":"ok"}'));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  cleanups.push(() => new Promise((resolve) => server.close(resolve)));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

describe('gateway HTTP layer', () => {
  let gateway: TestGateway;
  const base = () => gateway.url.replace(/\/graphql$/, '');

  beforeAll(async () => {
    gateway = await startTestGateway({ config: { server: { host: '127.0.0.1', port: 0, bodyLimitBytes: 2048 } } });
    cleanups.push(() => gateway.close());
  });

  it('answers /healthz', async () => {
    const response = await fetch(`${base()}/healthz`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 'ok' });
  });

  it('reports not ready (503) when no region is up, naming each region', async () => {
    const response = await fetch(`${base()}/readyz`);
    expect(response.status).toBe(503);
    const body = (await response.json()) as any;
    expect(body.status).toBe('unavailable');
    expect(body.regions).toMatchObject([{ code: 'XX', state: 'down' }]);
  });

  it('refuses an oversize body with 413 before parsing it', async () => {
    const { status, json } = await post(gateway.url, { query: `{ __typename }${' '.repeat(4096)}` });
    expect(status).toBe(413);
    expect(json.errors[0].extensions.code).toBe('PAYLOAD_TOO_LARGE');
    expect(json.errors[0].message).toContain('exceeds the limit of 2048 bytes');
  });

  it('refuses an oversize chunked body (no Content-Length) with 413 too', async () => {
    const url = new URL(gateway.url);
    const status = await new Promise<number>((resolve, reject) => {
      const req = http.request(
        { host: url.hostname, port: url.port, path: url.pathname, method: 'POST', headers: { 'content-type': 'application/json' } },
        (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        },
      );
      req.on('error', reject);
      for (let i = 0; i < 8; i++) req.write(' '.repeat(512));
      req.end('{}');
    });
    expect(status).toBe(413);
  });

  it('refuses a body that is not JSON, and unsupported content types', async () => {
    const bad = await post(gateway.url, '{"query": ');
    expect(bad.status).toBe(400);
    expect(bad.json.errors[0].extensions.code).toBe('BODY_NOT_JSON');
    const text = await post(gateway.url, '{ __typename }', { 'content-type': 'text/plain' });
    expect(text.status).toBe(415);
    expect(text.json.errors[0].message).toContain('Content-Type "text/plain" is not supported');
  });

  it('answers unknown routes with 404 and a pointer to /graphql', async () => {
    const response = await fetch(`${base()}/nowhere`);
    expect(response.status).toBe(404);
    expect(((await response.json()) as any).errors[0].extensions.code).toBe('NOT_FOUND');
    const post = await fetch(`${base()}/healthz`, { method: 'POST' });
    expect(post.status).toBe(405);
    expect(post.headers.get('allow')).toBe('GET, HEAD');
  });

  it('serves Prometheus text on /metrics', async () => {
    const response = await fetch(`${base()}/metrics`);
    expect(response.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(await response.text()).toMatch(/^# TYPE \S+ (counter|gauge|histogram|summary)$/m);
  });

  it('lists the registered regions with their health, and adds extensions.regions', async () => {
    const { status, headers, json } = await post(gateway.url, { query: '{ regions { code name status latencyMs detail } }' });
    expect(status).toBe(200);
    expect(headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    expect(json.data.regions).toMatchObject([{ code: 'XX', name: 'Nowhere', status: 'DOWN' }]);
    expect(json.extensions.regions).toEqual([]);
  });

  it('serves GET queries', async () => {
    const response = await fetch(`${gateway.url}?query=${encodeURIComponent('{ regions { code } }')}`);
    expect(await response.json()).toMatchObject({ data: { regions: [{ code: 'XX' }] } });
  });
});

describe('readiness with a region up', () => {
  it('is ready (200) when at least one region answers its health check', async () => {
    const up = await healthEndpoint();
    const gateway = await startTestGateway({
      regions: [
        { code: 'AA', name: 'Up', url: up },
        { code: 'BB', name: 'Down', url: await deadUrl(), timeoutMs: 200 },
      ],
    });
    cleanups.push(() => gateway.close());
    const response = await fetch(gateway.url.replace('/graphql', '/readyz'));
    expect(response.status).toBe(200);
    expect(((await response.json()) as any).regions.map((r: any) => [r.code, r.state])).toEqual([
      ['AA', 'up'],
      ['BB', 'down'],
    ]);
  });
});

describe('--supergraph mode over plain subgraphs', () => {
  async function plainSubgraph(typeDefs: string, resolvers: any): Promise<string> {
    const server = new ApolloServer({
      schema: buildSubgraphSchema({ typeDefs: parse(typeDefs), resolvers }),
      plugins: [ApolloServerPluginInlineTraceDisabled()],
    });
    const { url } = await startStandaloneServer(server, { listen: { port: 0, host: '127.0.0.1' } });
    cleanups.push(() => server.stop());
    return url;
  }

  it("plans across the file's subgraphs at their URLs, with the authorisation directives read and stripped", async () => {
    const link = 'extend schema @link(url: "https://specs.apollo.dev/federation/v2.6", import: ["@key", "@requiresScopes"])';
    const books = await plainSubgraph(
      `${link}
      type Query { books: [Book!]! }
      type Book @key(fields: "isbn") { isbn: ID! title: String! }`,
      { Query: { books: () => [{ isbn: '1', title: 'Dream of the Red Chamber' }] } },
    );
    const prices = await plainSubgraph(
      `${link}
      type Book @key(fields: "isbn") { isbn: ID! price: Float @requiresScopes(scopes: [["price:read"]]) }`,
      { Book: { __resolveReference: (ref: { isbn: string }) => ({ isbn: ref.isbn, price: 42.5 }) } },
    );
    const composed = composeServices([
      {
        name: 'books',
        url: books,
        typeDefs: parse(`${link} type Query { books: [Book!]! } type Book @key(fields: "isbn") { isbn: ID! title: String! }`),
      },
      {
        name: 'prices',
        url: prices,
        typeDefs: parse(`${link} type Book @key(fields: "isbn") { isbn: ID! price: Float @requiresScopes(scopes: [["price:read"]]) }`),
      },
    ]);
    expect(composed.errors).toBeUndefined();
    const dir = mkdtempSync(join(tmpdir(), 'liandong-supergraph-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const file = join(dir, 'supergraph.graphql');
    writeFileSync(file, composed.supergraphSdl!);

    const gateway = await startTestGateway({ supergraphFile: file });
    cleanups.push(() => gateway.close());
    expect(gateway.supergraph.requirements.Book.fields.price).toEqual({ authenticated: false, scopes: [['price:read']], policies: [] });
    expect(gateway.registry.regions()).toEqual([]);
    const { json } = await post(gateway.url, { query: '{ books { title price } }' });
    // An anonymous caller may see the title but not the price: enforced from the directives the
    // gateway read, although @apollo/gateway itself only ever saw the stripped supergraph.
    expect(json.data).toEqual({ books: [{ title: 'Dream of the Red Chamber', price: null }] });
    expect(json.errors).toEqual([
      expect.objectContaining({
        path: ['books', 0, 'price'],
        extensions: expect.objectContaining({ code: 'FORBIDDEN', missing: 'scope price:read' }),
      }),
    ]);
    expect((await fetch(gateway.url.replace('/graphql', '/readyz'))).status).toBe(200);
  });
});

describe('gateway/main.ts', () => {
  it('refuses a bad setting at start, naming it, with exit code 2', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'liandong-main-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    writeJson(join(dir, 'regions.json'), { regions: [{ code: 'JS', name: 'x', url: 'foo' }] });
    writeJson(join(dir, 'gateway.json'), { server: { port: 0 } });
    const started = startProcess({ name: 'gateway', file: 'gateway/main.ts', args: ['--config', join(dir, 'gateway.json')] });
    await expect(started).rejects.toThrow(/exited \(2\).*\n.*regions\.json: regions\[0\]\.url: expected an http\(s\) URL, got "foo"/);
  });

  it('refuses a --supergraph file that is not a supergraph, naming the file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'liandong-main-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const file = join(dir, 'plain.graphql');
    writeFileSync(file, 'type Query { hello: String }');
    const started = startProcess({ name: 'gateway', file: 'gateway/main.ts', args: ['--supergraph', file, '--port', '0'] });
    await expect(started).rejects.toThrow(
      /exited \(2\)[\s\S]*plain\.graphql: not a Federation 2 supergraph \(expected an enum join__Graph/,
    );
  });

  it('starts on the port given and stops on SIGTERM', async () => {
    const gateway = await startProcess({ name: 'gateway', file: 'gateway/main.ts', args: ['--port', '0'], env: { LOG_LEVEL: 'info' } });
    expect(gateway.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/graphql$/);
    expect((await fetch(gateway.url!.replace('/graphql', '/healthz'))).status).toBe(200);
    await gateway.stop();
    expect(gateway.child.exitCode).toBe(0);
  });
});
