/** The limits plugin on a plain Apollo Server: which variable values the cost limit judges. */
import { ApolloServer } from '@apollo/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newReport, type GatewayContext } from '../context.ts';
import { validateLimitsConfig } from './config.ts';
import { createLimits } from './index.ts';

let server: ApolloServer<GatewayContext>;

beforeAll(async () => {
  const limits = createLimits({ config: validateLimitsConfig({ maxCost: 50, defaultListSize: 5 }), logger: { warn: () => undefined } });
  server = new ApolloServer<GatewayContext>({
    typeDefs: 'type Query { search(first: Int = 10): [Item!]! } type Item { id: ID! }',
    resolvers: {
      Query: { search: (_: unknown, { first }: { first: number }) => Array.from({ length: first }, (_, i) => ({ id: String(i) })) },
    },
    plugins: [limits.plugin],
  });
  await server.start();
});

afterAll(async () => {
  await server?.stop();
});

async function run(query: string, variables?: Record<string, unknown>) {
  const contextValue = {
    requestId: 'r',
    startedAt: Date.now(),
    clientAddress: '127.0.0.1',
    userAgent: 'test',
    caller: null,
    purpose: null,
    authorisationPartition: '',
    denied: [],
    report: newReport(),
  } satisfies GatewayContext;
  const response = await server.executeOperation({ query, variables }, { contextValue });
  if (response.body.kind !== 'single') throw new Error('expected a single result');
  return response.body.singleResult;
}

describe('cost limit', () => {
  it("counts a page size that takes its variable's declared default as the size it runs with", async () => {
    // 100 items × (the item + its id) = 200 > 50: the default is what execution uses, so it is what costs.
    const refused = await run('query($n: Int = 100) { search(first: $n) { id } }');
    expect(refused.errors?.[0]?.extensions?.code).toBe('COST_LIMIT_EXCEEDED');
    expect(refused.errors?.[0]?.message).toMatch(/costs 200; the limit is 50/);
    const sent = await run('query($n: Int = 100) { search(first: $n) { id } }', { n: 3 });
    expect(sent.errors).toBeUndefined();
    expect((sent.data as { search: unknown[] }).search).toHaveLength(3);
  });
});
