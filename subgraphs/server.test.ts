import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type GraphQLSchema, defaultFieldResolver, type GraphQLFieldConfig } from 'graphql';
import type { ApolloServerPlugin } from '@apollo/server';
import { createMemoryAdapter, type MemoryAdapter } from './testing/memory-adapter.ts';
import { JS_REGION, smallRegion } from './testing/fixtures.ts';
import { startTestSubgraph, type TestSubgraph } from './testing/harness.ts';
import type { ContractPart, SubgraphContext } from './context.ts';
import { createSubgraphServer } from './server.ts';
import { silentLogger, type Logger } from './logger.ts';

let adapter: MemoryAdapter;
let subgraph: TestSubgraph;
const seen: SubgraphContext[] = [];
const transformed: ContractPart[] = [];

const recordContext: ApolloServerPlugin<SubgraphContext> = {
  async requestDidStart({ contextValue }) {
    seen.push(contextValue);
  },
};

/** A schema transform of the kind graphql-shield applies: wraps a resolver, can refuse. */
function denyCaseSummary(schema: GraphQLSchema, part: ContractPart): GraphQLSchema {
  transformed.push(part);
  if (part !== 'records') return schema;
  const field = schema.getType('Case') as unknown as { getFields(): Record<string, GraphQLFieldConfig<unknown, SubgraphContext>> };
  const summary = field.getFields().summary;
  const resolve = summary.resolve ?? defaultFieldResolver;
  summary.resolve = (src, args, ctx, info) => (ctx.caller === 'officer-7' ? resolve(src, args, ctx, info) : null);
  return schema;
}

/** Warnings the subgraph logged (the operator's view); everything else is dropped. */
const warnings: Array<{ obj: unknown; msg?: string }> = [];
const capturingLogger: Logger = {
  ...silentLogger,
  warn: (obj, msg) => {
    warnings.push({ obj, msg });
  },
};

beforeAll(async () => {
  adapter = createMemoryAdapter(JS_REGION, smallRegion());
  subgraph = await startTestSubgraph({
    adapter,
    logger: capturingLogger,
    plugins: [recordContext],
    schemaTransform: denyCaseSummary,
    maxBodyBytes: 4096,
    async requestGuard(req, body) {
      if (req.headers.authorization !== 'Bearer internal') return { ok: false, message: 'missing internal token' };
      if (body.includes('forbidden-word')) return { ok: false, status: 403, code: 'FORBIDDEN', message: 'not for you' };
      return { ok: true, context: { caller: 'officer-7' } };
    },
    contextExtension: (req) => ({ clientAddress: req.socket.remoteAddress }),
  });
});
afterAll(() => subgraph.close());

const AUTH = { authorization: 'Bearer internal' };
const post = (path: string, body: string, headers: Record<string, string> = {}) =>
  fetch(`${subgraph.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...AUTH, ...headers }, body });

describe('subgraph server', () => {
  it('serves the three parts, each on its own path', async () => {
    for (const part of ['records', 'index', 'search'] as const) {
      const { data } = await subgraph.query(part, '{ _service { sdl } }', undefined, AUTH);
      expect(data!._service.sdl).toContain(`The **${part}** part of the regional contract`);
    }
    expect(transformed).toEqual(['records', 'index', 'search']);
  });

  it('runs the guard before GraphQL: a rejection is 401 JSON and never reaches the adapter', async () => {
    const before = adapter.calls.length;
    const reply = await subgraph.query('records', '{ case(id: "JS:C-2026-000001") { id } }');
    expect(reply).toEqual({ status: 401, errors: [{ message: 'missing internal token', extensions: { code: 'UNAUTHENTICATED' } }] });
    expect(adapter.calls.length).toBe(before);
    const forbidden = await post('/records', JSON.stringify({ query: '{ case(id: "JS:forbidden-word") { id } }' }));
    expect(forbidden.status).toBe(403);
    expect((await forbidden.json()).errors[0].extensions.code).toBe('FORBIDDEN');
  });

  it('gives resolvers and plugins one context with the core fields, the guard’s fields and the extension', async () => {
    seen.length = 0;
    const { data } = await subgraph.query('records', '{ case(id: "JS:C-2026-000001") { summary } }', undefined, {
      ...AUTH,
      'x-request-id': 'audit-42',
    });
    expect(data).toEqual({ case: { summary: '停車場車輛被盜' } }); // the transform let officer-7 through
    expect(seen).toHaveLength(1);
    expect(seen[0]).toMatchObject({
      region: 'JS',
      part: 'records',
      adapter,
      requestId: 'audit-42',
      caller: 'officer-7',
      clientAddress: '127.0.0.1',
    });
    expect(Object.keys(seen[0].loaders)).toContain('casesById');
  });

  it('makes a fresh request id when none (or a strange one) is sent', async () => {
    seen.length = 0;
    await subgraph.query('index', '{ __typename }', undefined, { ...AUTH, 'x-request-id': 'no spaces allowed' });
    expect(seen[0].requestId).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('answers GET /healthz from the adapter: 200 when healthy, 503 with a stable reason when not or when the check throws', async () => {
    const ok = await fetch(`${subgraph.url}/healthz`);
    expect(ok.status).toBe(200);
    expect(await ok.json()).toEqual({ status: 'ok', region: 'JS', latencyMs: 0 });
    adapter.setHealth({ ok: false, detail: 'JS database /srv/liandong/js.db cannot be queried: database locked', latencyMs: 12 });
    const down = await fetch(`${subgraph.url}/healthz`);
    expect(down.status).toBe(503);
    // No token is needed here, so the adapter's detail (a database path) stays in the log.
    expect(await down.json()).toEqual({ status: 'unavailable', region: 'JS', latencyMs: 12, reason: 'unhealthy' });
    expect(warnings.at(-1)).toEqual({
      obj: { region: 'JS', reason: 'unhealthy', detail: 'JS database /srv/liandong/js.db cannot be queried: database locked' },
      msg: 'health check: region unavailable',
    });
    adapter.failWith('health', new Error('connect ECONNREFUSED 10.3.0.7:4202'));
    const thrown = await fetch(`${subgraph.url}/healthz`);
    expect(thrown.status).toBe(503);
    const body = await thrown.text();
    expect(JSON.parse(body)).toMatchObject({ status: 'unavailable', region: 'JS', reason: 'error' });
    expect(body).not.toContain('10.3.0.7');
    expect(warnings.at(-1)!.obj).toMatchObject({ reason: 'error', detail: 'connect ECONNREFUSED 10.3.0.7:4202' });
    adapter.failWith('health', null);
    adapter.setHealth({ ok: true, detail: 'in memory', latencyMs: 0 });
  });

  it('refuses a body over the limit with 413, before the guard', async () => {
    const response = await post('/records', JSON.stringify({ query: `{ __typename } # ${'x'.repeat(5000)}` }));
    expect(response.status).toBe(413);
    expect((await response.json()).errors[0]).toEqual({
      message: 'request body exceeds the limit of 4096 bytes',
      extensions: { code: 'PAYLOAD_TOO_LARGE' },
    });
  });

  it('refuses a streamed body over the limit with 413 too', async () => {
    const chunks = new ReadableStream({
      start(controller) {
        for (let i = 0; i < 10; i++) controller.enqueue(new TextEncoder().encode('x'.repeat(1000)));
        controller.close();
      },
    });
    const response = await fetch(`${subgraph.url}/records`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...AUTH },
      body: chunks,
      duplex: 'half',
    } as RequestInit);
    expect(response.status).toBe(413);
  });

  it('answers unknown paths with 404 and bad JSON with 400, in the GraphQL error shape', async () => {
    const missing = await fetch(`${subgraph.url}/graphql`);
    expect(missing.status).toBe(404);
    expect((await missing.json()).errors[0].message).toContain('/records, /index, /search');
    const bad = await post('/records', '{"query": ');
    expect(bad.status).toBe(400);
    expect((await bad.json()).errors[0]).toMatchObject({ extensions: { code: 'BAD_REQUEST' } });
  });

  it('serves GET queries (with the CSRF preflight header) and keeps connections alive', async () => {
    const response = await fetch(`${subgraph.url}/records?query=${encodeURIComponent('{ __typename }')}`, {
      headers: { ...AUTH, 'apollo-require-preflight': 'true' },
    });
    expect(await response.json()).toEqual({ data: { __typename: 'Query' } });
    expect(response.headers.get('connection')).toBe('keep-alive');
  });

  it('refuses a hook that overwrites a core context field', async () => {
    const clashing = await startTestSubgraph({ adapter, contextExtension: () => ({ region: 'GZ' }) });
    try {
      const reply = await clashing.query('records', '{ __typename }');
      expect(reply).toEqual({ status: 500, errors: [{ message: 'Internal server error', extensions: { code: 'INTERNAL_SERVER_ERROR' } }] });
    } finally {
      await clashing.close();
    }
  });
});

describe('subgraph server start-up', () => {
  it.each([
    ['maxBodyBytes', 0],
    ['maxBatchSize', 1.5],
    ['port', 70000],
  ] as const)('refuses %s = %s, naming it', async (name, value) => {
    await expect(createSubgraphServer({ adapter, [name]: value, logger: silentLogger })).rejects.toThrow(
      `createSubgraphServer: ${name} must be an integer`,
    );
  });

  it('reports a port already taken with the address it asked for', async () => {
    const port = Number(new URL(subgraph.url).port);
    await expect(createSubgraphServer({ adapter, port, logger: silentLogger })).rejects.toThrow(
      `cannot listen on 127.0.0.1:${port}: listen EADDRINUSE`,
    );
  });
});
