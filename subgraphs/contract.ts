/**
 * The regional contract as executable subgraph schemas.
 *
 * Each part (schema/contract/<part>.graphql) is served with shared.graphql prepended,
 * exactly as the gateway composes it, so the SDL a region serves (`_service { sdl }`)
 * is the SDL the supergraph was composed from — descriptions included.
 */
import { readFileSync } from 'node:fs';
import { parse, type DocumentNode, type GraphQLSchema } from 'graphql';
import { buildSubgraphSchema } from '@apollo/subgraph';
import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper/resolverMap.js';
import { CONTRACT_PARTS, type ContractPart, type SubgraphContext } from './context.ts';
import { recordsResolvers } from './resolvers/records.ts';
import { indexResolvers } from './resolvers/index.ts';
import { searchResolvers } from './resolvers/search.ts';

const CONTRACT_DIR = new URL('../schema/contract/', import.meta.url);

const RESOLVERS: Record<ContractPart, GraphQLResolverMap<SubgraphContext>> = {
  records: recordsResolvers,
  index: indexResolvers,
  search: searchResolvers,
};

function readContractFile(name: string): string {
  const url = new URL(name, CONTRACT_DIR);
  try {
    return readFileSync(url, 'utf8');
  } catch (error) {
    throw new Error(`cannot read contract file ${url.pathname}: ${(error as Error).message}`, { cause: error });
  }
}

/** The SDL of one part: shared.graphql followed by the part's own file. */
export function contractSdl(part: ContractPart): string {
  return `${readContractFile('shared.graphql')}\n${readContractFile(`${part}.graphql`)}`;
}

export function contractTypeDefs(part: ContractPart): DocumentNode {
  const sdl = contractSdl(part);
  try {
    return parse(sdl);
  } catch (error) {
    throw new Error(`contract part "${part}" (shared.graphql + ${part}.graphql) does not parse: ${(error as Error).message}`, { cause: error });
  }
}

/** One part as an executable Federation 2 subgraph schema with this server's resolvers. */
export function buildPartSchema(part: ContractPart): GraphQLSchema {
  return buildSubgraphSchema({ typeDefs: contractTypeDefs(part), resolvers: RESOLVERS[part] as GraphQLResolverMap<unknown> });
}

export function buildContractSchemas(): Record<ContractPart, GraphQLSchema> {
  return Object.fromEntries(CONTRACT_PARTS.map((part) => [part, buildPartSchema(part)])) as Record<ContractPart, GraphQLSchema>;
}
