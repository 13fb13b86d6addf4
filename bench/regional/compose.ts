/**
 * The supergraph plain @apollo/gateway serves in the regional workloads: the contract's
 * three parts (records, index, search) at one region's real endpoints. A plain gateway
 * has one URL per subgraph, so it can front one region only — it cannot fan out.
 * The security directives are stripped (as Liandong does for its own @apollo/gateway):
 * plain @apollo/gateway refuses supergraphs linking the SECURITY specs, so (b) runs
 * without any authorisation — a fair floor for what the layers cost.
 */
import { stripRequirements } from '../../gateway/authorisation/supergraph-directives.ts';
import { composeSupergraph, contractSubgraphs } from '../../gateway/federation/compose.ts';

export function oneRegionSupergraph(regionUrl: string): string {
  return stripRequirements(composeSupergraph(contractSubgraphs().map((s) => ({ ...s, url: `${regionUrl}/${s.name}` }))));
}
