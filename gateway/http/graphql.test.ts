/**
 * The handler's promise, on a bare Apollo Server: a request that reaches the GraphQL
 * request pipeline is left to the plugins (the audit plugin records it); one Apollo
 * Server answers without running its plugins is handed to onRefusal — exactly once.
 */
import { ApolloServer } from '@apollo/server';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { GatewayContext } from '../context.ts';
import { graphqlHandler, pipelineMarker } from './graphql.ts';
import { LIMITS_DEFAULTS } from '../limits/config.ts';

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function serve(apollo: ApolloServer<GatewayContext>, refused: { code: string; status: number }[]): Promise<string> {
  const handle = graphqlHandler(apollo, {
    bodyLimitBytes: 4096,
    maxVariablesDepth: LIMITS_DEFAULTS.maxVariablesDepth,
    trustProxy: false,
    contextHooks: [],
    onRefusal: async (_context, error) => {
      const e = error as { status: number; code: string };
      refused.push({ status: e.status, code: e.code });
      return error;
    },
  });
  const server: Server = createServer(
    (req, res) =>
      void handle(req, res, `req-${Math.random()}`).catch((e) => {
        res.statusCode = (e as { status?: number }).status ?? 500;
        res.end();
      }),
  );
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  cleanups.push(
    () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(resolve);
      }),
  );
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`;
}

const post = (url: string, body: unknown) =>
  fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

describe('every request is audited once: by the pipeline, or by onRefusal', () => {
  it('leaves requests that reach the pipeline to the plugins, valid or not', async () => {
    const apollo = new ApolloServer<GatewayContext>({
      typeDefs: 'type Query { hello: String }',
      resolvers: { Query: { hello: () => 'hi' } },
      plugins: [pipelineMarker()],
    });
    await apollo.start();
    cleanups.push(() => apollo.stop());
    const refused: { code: string; status: number }[] = [];
    const url = await serve(apollo, refused);
    expect((await post(url, { query: '{ hello }' })).status).toBe(200);
    expect((await post(url, { query: '{ nope }' })).status).toBe(400);
    expect((await post(url, { query: '{ hello' })).status).toBe(400);
    expect(refused).toEqual([]);
    expect((await post(url, [{ query: '{ hello }' }])).status).toBe(400);
    expect(refused).toEqual([{ status: 400, code: 'BATCH_NOT_SUPPORTED' }]);
  });

  it('hands a request Apollo Server answered before its plugins ran to onRefusal, once', async () => {
    const apollo = new ApolloServer<GatewayContext>({
      typeDefs: 'type Query { hello: String }',
      plugins: [pipelineMarker()],
      logger: { debug() {}, info() {}, warn() {}, error() {} },
    });
    await apollo.start();
    await apollo.stop(); // from now on Apollo Server refuses every operation itself, without plugins
    const refused: { code: string; status: number }[] = [];
    const url = await serve(apollo, refused);
    const response = await post(url, { query: '{ hello }' });
    expect(response.status).toBe(500);
    expect(refused).toEqual([{ status: 500, code: 'INTERNAL_SERVER_ERROR' }]);
  });
});
