/**
 * The regional contract as executable subgraph schemas.
 *
 * Each part (schema/contract/<part>.graphql) is served with shared.graphql prepended,
 * exactly as the gateway composes it, so the SDL a region serves (`_service { sdl }`)
 * is the SDL the supergraph was composed from — descriptions included.
 */
import type { GraphQLSchema } from 'graphql';
import { contractSdl, contractTypeDefs } from '../schema/contract.ts';
import { buildSubgraphSchema } from '@apollo/subgraph';
import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper/resolverMap.js';
import { CONTRACT_PARTS, type ContractPart, type SubgraphContext } from './context.ts';
import { recordsResolvers } from './resolvers/records.ts';
import { indexResolvers } from './resolvers/index.ts';
import { searchResolvers } from './resolvers/search.ts';
import { assistanceResolvers } from './assistance/resolvers.ts';

const RESOLVERS: Record<ContractPart, GraphQLResolverMap<SubgraphContext>> = {
  // The assistance requests (the write side) are served in the records part: routed, like the records.
  records: {
    ...recordsResolvers,
    ...assistanceResolvers,
    Query: { ...(recordsResolvers.Query as object), ...(assistanceResolvers.Query as object) },
  },
  index: indexResolvers,
  search: searchResolvers,
};

export { contractSdl, contractTypeDefs };

/** One part as an executable Federation 2 subgraph schema with this server's resolvers. */
export function buildPartSchema(part: ContractPart): GraphQLSchema {
  return buildSubgraphSchema({ typeDefs: contractTypeDefs(part), resolvers: RESOLVERS[part] as GraphQLResolverMap<unknown> });
}

export function buildContractSchemas(): Record<ContractPart, GraphQLSchema> {
  return Object.fromEntries(CONTRACT_PARTS.map((part) => [part, buildPartSchema(part)])) as Record<ContractPart, GraphQLSchema>;
}
