/**
 * The gateway's own in-process subgraph: features that belong to the gateway rather than
 * to a region (region status, audit queries…). Each feature contributes one module; the
 * modules are composed into the supergraph like any subgraph and executed in-process.
 *
 * Modules write `extend type Query { … }` (several modules share Query) and may use the
 * federation directives the header imports, including the authorisation ones.
 */
import { buildSubgraphSchema } from '@apollo/subgraph';
import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper/resolverMap.js';
import { concatAST, parse, type DocumentNode, type GraphQLSchema } from 'graphql';
import type { GatewayContext } from '../context.ts';

/** The subgraph's name in the supergraph and the placeholder URL that marks it as in-process. */
export const OWN_SUBGRAPH_NAME = 'gateway';
export const OWN_SUBGRAPH_URL = 'in-process://gateway';

export interface OwnSubgraphModule {
  typeDefs: DocumentNode;
  resolvers?: GraphQLResolverMap<GatewayContext>;
}

const HEADER = parse(`
  extend schema
    @link(
      url: "https://specs.apollo.dev/federation/v2.6"
      import: ["@key", "@shareable", "@authenticated", "@requiresScopes", "@policy"]
    )
`);

export interface OwnSubgraph {
  /** The SDL composed into the supergraph. */
  typeDefs: DocumentNode;
  /** The executable schema the in-process data source runs. */
  schema: GraphQLSchema;
}

export function buildOwnSubgraph(modules: readonly OwnSubgraphModule[]): OwnSubgraph {
  const typeDefs = concatAST([HEADER, ...modules.map((m) => m.typeDefs)]);
  const schema = buildSubgraphSchema([
    { typeDefs: HEADER },
    ...modules.map((m) => ({ typeDefs: m.typeDefs, resolvers: m.resolvers as GraphQLResolverMap<unknown> })),
  ]);
  return { typeDefs, schema };
}
