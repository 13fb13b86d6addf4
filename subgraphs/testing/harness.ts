/** Starts a subgraph server on a free port for a test, and speaks GraphQL to it over HTTP. */
import { createSubgraphServer, type SubgraphServer, type SubgraphServerOptions } from '../server.ts';
import type { ContractPart } from '../context.ts';
import { silentLogger } from '../logger.ts';

export interface GraphQLReply {
  status: number;
  data?: Record<string, any> | null;
  errors?: { message: string; path?: (string | number)[]; extensions?: Record<string, any> }[];
}

export interface TestSubgraph extends SubgraphServer {
  query(part: ContractPart, query: string, variables?: Record<string, unknown>, headers?: Record<string, string>): Promise<GraphQLReply>;
}

export async function startTestSubgraph(options: SubgraphServerOptions): Promise<TestSubgraph> {
  const server = await createSubgraphServer({ logger: silentLogger, ...options, host: '127.0.0.1', port: 0 });
  return {
    ...server,
    async query(part, query, variables, headers) {
      const response = await fetch(`${server.url}/${part}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: JSON.stringify({ query, variables }),
      });
      return { status: response.status, ...(await response.json()) };
    },
  };
}
