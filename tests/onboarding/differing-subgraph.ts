/**
 * A region that serves the contract with changes (what a region on an old or forked
 * contract would do): a real Federation subgraph per part, built with @apollo/subgraph
 * from the contract SDL after `edit`, on a free loopback port.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { graphql, parse, type GraphQLSchema } from 'graphql';
import { contractSdl } from '../../subgraphs/contract.ts';
import { CONTRACT_PARTS, type ContractPart } from '../../gateway/registry/regions-file.ts';

export interface DifferingSubgraph {
  url: string;
  close(): Promise<void>;
}

export async function startDifferingSubgraph(edit: (part: ContractPart, sdl: string) => string): Promise<DifferingSubgraph> {
  const schemas = Object.fromEntries(
    CONTRACT_PARTS.map((part) => [part, buildSubgraphSchema({ typeDefs: parse(edit(part, contractSdl(part))) })]),
  ) as Record<ContractPart, GraphQLSchema>;
  const server: Server = createServer(async (req, res) => {
    const part = req.url?.slice(1) as ContractPart;
    if (req.url === '/healthz') return void res.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"ok"}');
    if (!schemas[part] || req.method !== 'POST') return void res.writeHead(404).end();
    let body = '';
    for await (const chunk of req) body += chunk;
    const { query, variables } = JSON.parse(body) as { query: string; variables?: Record<string, unknown> };
    const result = await graphql({ schema: schemas[part], source: query, variableValues: variables });
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(result));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, close: () => new Promise((resolve) => server.close(() => resolve())) };
}
