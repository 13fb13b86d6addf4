/**
 * The supergraph the gateway serves, in one of two ways:
 * - regional (default): composed at start from the contract and the gateway's own subgraph;
 * - `--supergraph FILE`: an ordinary Federation 2 supergraph file, served as plain
 *   @apollo/gateway would (its subgraphs at the URLs the file names).
 * Either way the authorisation directives are read into a RequirementMap for the
 * gateway's own enforcement, and @apollo/gateway gets the supergraph without them
 * (it refuses supergraphs linking the security specs).
 */
import { readFileSync } from 'node:fs';
import { Kind, parse, type ConstDirectiveNode, type DocumentNode } from 'graphql';
import { extractRequirements, stripRequirements } from '../authorisation/supergraph-directives.ts';
import type { RequirementMap } from '../authorisation/requirement.ts';
import type { OwnSubgraph } from '../own-subgraph/module.ts';
import { OWN_SUBGRAPH_NAME, OWN_SUBGRAPH_URL } from '../own-subgraph/module.ts';
import { composeSupergraph, contractSubgraphs, CONTRACT_DIR } from './compose.ts';

export interface SubgraphEndpoint {
  name: string;
  url: string;
}

export interface PreparedSupergraph {
  /** Where it came from: `contract` or the supergraph file's path. */
  origin: string;
  /** The supergraph as composed or read, authorisation directives included. */
  sdl: string;
  /** What @apollo/gateway runs: `sdl` without the authorisation specs. */
  gatewaySdl: string;
  requirements: RequirementMap;
  subgraphs: SubgraphEndpoint[];
}

export function prepareSupergraph(sdl: string, origin: string): PreparedSupergraph {
  const subgraphs = subgraphsOf(parse(sdl));
  if (subgraphs.length === 0) {
    throw new Error(`${origin}: not a Federation 2 supergraph (expected an enum join__Graph with @join__graph values)`);
  }
  return { origin, sdl, gatewaySdl: stripRequirements(sdl), requirements: extractRequirements(sdl), subgraphs };
}

/** The regional contract (records, index, search) beside the gateway's own subgraph. */
export function regionalSupergraph(own: OwnSubgraph, contractDir = CONTRACT_DIR): PreparedSupergraph {
  const sdl = composeSupergraph([
    ...contractSubgraphs(contractDir),
    { name: OWN_SUBGRAPH_NAME, url: OWN_SUBGRAPH_URL, typeDefs: own.typeDefs },
  ]);
  return prepareSupergraph(sdl, 'contract');
}

export function supergraphFromFile(file: string): PreparedSupergraph {
  let sdl: string;
  try {
    sdl = readFileSync(file, 'utf8');
  } catch (error) {
    throw new Error(`--supergraph ${file}: cannot read the file (${(error as Error).message})`);
  }
  try {
    return prepareSupergraph(sdl, file);
  } catch (error) {
    throw new Error(`--supergraph ${file}: ${(error as Error).message.replace(`${file}: `, '')}`);
  }
}

/** The subgraphs a supergraph names: `enum join__Graph { X @join__graph(name: "x", url: "…") }`. */
export function subgraphsOf(doc: DocumentNode): SubgraphEndpoint[] {
  const graphEnum = doc.definitions.find((d) => d.kind === Kind.ENUM_TYPE_DEFINITION && d.name.value === 'join__Graph');
  if (!graphEnum || graphEnum.kind !== Kind.ENUM_TYPE_DEFINITION) return [];
  return (graphEnum.values ?? []).flatMap((value) => {
    const directive = value.directives?.find((d) => d.name.value === 'join__graph');
    return directive ? [{ name: stringArg(directive, 'name') ?? value.name.value, url: stringArg(directive, 'url') ?? '' }] : [];
  });
}

function stringArg(directive: ConstDirectiveNode, name: string): string | undefined {
  const arg = directive.arguments?.find((a) => a.name.value === name);
  return arg?.value.kind === Kind.STRING ? arg.value.value : undefined;
}
