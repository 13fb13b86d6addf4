/**
 * Composition of the supergraph at start: the three parts of the regional contract
 * (records, index, search — each once, whatever the number of regions) plus the
 * gateway's own subgraph, composed with @apollo/composition. No introspection of running
 * subgraphs: the contract on disk is the truth, so the gateway starts even while a
 * region is down.
 */
import { composeServices } from '@apollo/composition';
import type { DocumentNode, GraphQLError } from 'graphql';
import { CONTRACT_DIR, CONTRACT_PARTS, contractTypeDefs, type ContractPart } from '../../schema/contract.ts';

export { CONTRACT_DIR, contractTypeDefs };

/**
 * Placeholder URL of a contract subgraph. The region data sources pick the real
 * endpoints from the registry; the scheme is how `buildService` recognises a regional
 * subgraph, also in a supergraph file given with `--supergraph`.
 */
export const REGIONAL_URL_SCHEME = 'liandong-region:';

export function regionalUrl(part: ContractPart): string {
  return `${REGIONAL_URL_SCHEME}//${part}`;
}

/** The contract part a subgraph URL stands for, or null for an ordinary subgraph. */
export function regionalPart(url: string | undefined): ContractPart | null {
  if (!url?.startsWith(REGIONAL_URL_SCHEME)) return null;
  const part = url.slice(REGIONAL_URL_SCHEME.length).replace(/^\/+/, '');
  return (CONTRACT_PARTS as readonly string[]).includes(part) ? (part as ContractPart) : null;
}

export interface SubgraphDefinition {
  name: string;
  url: string;
  typeDefs: DocumentNode;
}

export function contractSubgraphs(dir = CONTRACT_DIR): SubgraphDefinition[] {
  return CONTRACT_PARTS.map((part) => ({ name: part, url: regionalUrl(part), typeDefs: contractTypeDefs(part, dir) }));
}

export class CompositionError extends Error {
  constructor(readonly errors: readonly GraphQLError[]) {
    super(`supergraph composition failed with ${errors.length} error(s):\n${errors.map(describeError).join('\n')}`);
    this.name = 'CompositionError';
  }
}

/** `[CODE] message (at subgraph file:line)`: what an operator needs to find the bad SDL. */
function describeError(error: GraphQLError): string {
  const code = error.extensions?.code ? `[${String(error.extensions.code)}] ` : '';
  const where = (error.nodes ?? [])
    .map((node) => node.loc && `${node.loc.source.name}:${lineOf(node.loc.source.body, node.loc.start)}`)
    .filter(Boolean);
  return `  - ${code}${error.message}${where.length ? ` (at ${where.join(', ')})` : ''}`;
}

function lineOf(body: string, offset: number): number {
  return body.slice(0, offset).split('\n').length;
}

/** Composes the subgraphs; throws CompositionError listing every problem. */
export function composeSupergraph(subgraphs: readonly SubgraphDefinition[]): string {
  const result = composeServices(subgraphs.map((s) => ({ name: s.name, url: s.url, typeDefs: s.typeDefs })));
  if (result.errors) throw new CompositionError(result.errors);
  return result.supergraphSdl;
}
