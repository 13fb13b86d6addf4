/**
 * The `regions` root field: every registered region with its health as the gateway sees
 * it (probed on demand, at most once a second, and updated by real queries).
 */
import { parse } from 'graphql';
import type { RegionRegistry } from '../registry/registry.ts';
import type { RegionState } from '../registry/status.ts';
import type { OwnSubgraphModule } from './module.ts';

const typeDefs = parse(`
  "How a region looks from the gateway."
  enum RegionHealth {
    "The region's subgraph answered its last probe or query."
    UP
    "The region's subgraph failed, timed out or is refused by its circuit breaker."
    DOWN
    "The gateway has not reached the region yet."
    UNKNOWN
  }

  "A regional system connected to Liandong."
  type Region {
    "Region code, the prefix of the ids it owns (\`JS\`, \`GZ\`, \`HB\`…)."
    code: String!
    "The region's name."
    name: String!
    status: RegionHealth!
    "Latency of the last probe or query, in milliseconds."
    latencyMs: Int
    "When the status was observed (ISO 8601 date-time, UTC)."
    checkedAt: String
    "What was observed: the probe's answer or the reason the region is down."
    detail: String
  }

  extend type Query {
    "Every region in the registry with its current health (probes the regions when the last look is older than a second)."
    regions: [Region!]!
  }
`);

const HEALTH: Record<RegionState, string> = { up: 'UP', down: 'DOWN', unknown: 'UNKNOWN' };

export function regionsModule(registry: RegionRegistry): OwnSubgraphModule {
  return {
    typeDefs,
    resolvers: {
      Query: {
        regions: async () => (await registry.view({ fresh: true })).map((r) => ({ ...r, status: HEALTH[r.state] })),
      },
    },
  };
}
