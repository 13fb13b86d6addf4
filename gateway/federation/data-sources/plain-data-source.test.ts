/**
 * The plain data source against a real @apollo/subgraph over HTTP: RemoteGraphQLDataSource
 * semantics, and identical in-flight queries sharing one subgraph fetch.
 */
import { ApolloGateway } from '@apollo/gateway';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginUsageReportingDisabled } from '@apollo/server/plugin/disabled';
import { composeServices } from '@apollo/composition';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { graphql, parse } from 'graphql';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createDataSource } from './index.ts';
import { PlainDataSource } from './plain-data-source.ts';

const typeDefs = parse(`
  extend schema @link(url: "https://specs.apollo.dev/federation/v2.6", import: ["@key"])
  type Query { slow(tag: String): String  hello: String }
  type Mutation { bump: Int }
`);

/** A subgraph whose `slow` answers only when the test opens the gate. */
let requests = 0;
let bumps = 0;
let status = 200;
let openGate: () => void = () => {};
let gate = Promise.resolve();
const closeGate = () => {
  gate = new Promise((resolve) => {
    openGate = resolve;
  });
};

const schema = buildSubgraphSchema({
  typeDefs,
  resolvers: {
    Query: {
      slow: async (_: unknown, { tag }: { tag?: string }) => {
        await gate;
        return `slow ${tag ?? ''}`;
      },
      hello: () => 'hi',
    },
    Mutation: { bump: () => ++bumps },
  } as never,
});

let server: Server;
let url: string;

beforeAll(async () => {
  server = createServer(async (req, res) => {
    requests += 1;
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    if (status !== 200) {
      res.writeHead(status, { 'content-type': 'application/json' });
      return res.end(JSON.stringify({ errors: [{ message: 'refused by the subgraph' }] }));
    }
    const body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    const result = await graphql({ schema, source: body.query, variableValues: body.variables, operationName: body.operationName });
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify(result));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

beforeEach(() => {
  requests = 0;
  status = 200;
  gate = Promise.resolve();
});

const process = (
  source: PlainDataSource,
  query: string,
  context: Record<string, unknown> = { authorisationPartition: 'p' },
  variables = {},
) => source.process({ kind: 'incoming operation' as never, request: { query, variables }, context, incomingRequestContext: {} as never });

async function until(condition: () => boolean) {
  for (let i = 0; i < 500 && !condition(); i++) await new Promise((resolve) => setTimeout(resolve, 5));
  expect(condition()).toBe(true);
}

describe('PlainDataSource', () => {
  it('N concurrent identical queries through the gateway make one subgraph fetch', async () => {
    const supergraph = composeServices([{ name: 'plain', url, typeDefs }]);
    expect(supergraph.errors).toBeUndefined();
    const sources: PlainDataSource[] = [];
    const gateway = new ApolloGateway({
      supergraphSdl: supergraph.supergraphSdl,
      buildService: (service) => {
        const source = createDataSource(service, { registry: { regions: () => [] } }) as PlainDataSource;
        sources.push(source);
        return source;
      },
    });
    const apollo = new ApolloServer({ gateway, plugins: [ApolloServerPluginUsageReportingDisabled()] });
    await apollo.start();
    try {
      closeGate();
      const N = 20;
      const answers = Array.from({ length: N }, () =>
        apollo.executeOperation({ query: '{ slow(tag: "x") }' }, { contextValue: { authorisationPartition: 'officer-role-A' } }),
      );
      await until(() => sources[0].stats().sent + sources[0].stats().shared === N);
      openGate();
      for (const answer of await Promise.all(answers)) {
        expect(answer.body.kind === 'single' && answer.body.singleResult.data).toEqual({ slow: 'slow x' });
      }
      expect(requests).toBe(1);
      expect(sources[0].stats()).toEqual({ sent: 1, shared: N - 1 });
    } finally {
      await apollo.stop();
      await sources[0]?.close();
    }
  });

  it('shares nothing after completion (not a cache), nor across partitions, variables or mutations', async () => {
    const source = new PlainDataSource({ name: 'plain', url });
    try {
      await process(source, '{ hello }');
      await process(source, '{ hello }');
      expect(requests).toBe(2);

      closeGate();
      const mixed = [
        process(source, 'query Q($t: String) { slow(tag: $t) }', { authorisationPartition: 'a' }, { t: '1' }),
        process(source, 'query Q($t: String) { slow(tag: $t) }', { authorisationPartition: 'b' }, { t: '1' }),
        process(source, 'query Q($t: String) { slow(tag: $t) }', { authorisationPartition: 'a' }, { t: '2' }),
        process(source, 'query Q($t: String) { slow(tag: $t) }', { authorisationPartition: 'a' }, { t: '1' }),
      ];
      openGate();
      await Promise.all(mixed);
      expect(requests).toBe(2 + 3);

      const before = bumps;
      await Promise.all([process(source, 'mutation { bump }'), process(source, 'mutation { bump }')]);
      expect(bumps).toBe(before + 2);
    } finally {
      await source.close();
    }
  });

  it('gives each caller its own copy of a shared answer', async () => {
    const source = new PlainDataSource({ name: 'plain', url });
    try {
      closeGate();
      const both = [process(source, '{ slow }'), process(source, '{ slow }')];
      openGate();
      const [a, b] = await Promise.all(both);
      expect(a.data).toEqual(b.data);
      expect(a.data).not.toBe(b.data);
    } finally {
      await source.close();
    }
  });

  it('turns a non-2xx answer into an error carrying the status and body, as RemoteGraphQLDataSource does', async () => {
    const source = new PlainDataSource({ name: 'plain', url });
    try {
      status = 403;
      await expect(process(source, '{ hello }')).rejects.toMatchObject({
        message: '403: Forbidden',
        extensions: { code: 'FORBIDDEN', response: { status: 403, body: { errors: [{ message: 'refused by the subgraph' }] } } },
      });
    } finally {
      await source.close();
    }
  });

  it('refuses a subgraph url that is not absolute', () => {
    expect(() => new PlainDataSource({ name: 'x', url: 'localhost:4001' })).toThrow(/subgraph x: url "localhost:4001" is not an absolute/);
  });
});
