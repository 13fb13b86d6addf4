/**
 * `extensions.regions` on every response: each region asked for this operation, with
 * its status (hit / miss / error / timeout / skipped / circuit-open / cached) and latency,
 * as the region data sources wrote it into `context.report`. Scalars on which regions
 * disagreed while merging are listed in `extensions.conflicts`.
 *
 * The same outcomes update the registry's view of each region, so `regions` and /readyz
 * show a region going down as soon as a query notices it.
 */
import type { ApolloServerPlugin } from '@apollo/server';
import type { GatewayContext, RegionOutcome } from '../context.ts';
import type { RegionRegistry } from './registry.ts';

export interface RegionReportEntry {
  region: string;
  subgraph: string;
  status: RegionOutcome['status'];
  latencyMs: number;
  message?: string;
}

export function reportEntry(outcome: RegionOutcome): RegionReportEntry {
  const entry: RegionReportEntry = {
    region: outcome.region,
    subgraph: outcome.subgraph,
    status: outcome.status,
    latencyMs: Math.round(outcome.latencyMs),
  };
  if (outcome.message) entry.message = outcome.message;
  return entry;
}

export function reportPlugin(registry: RegionRegistry): ApolloServerPlugin<GatewayContext> {
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ contextValue, response }) {
          const { regions, conflicts } = contextValue.report;
          for (const outcome of regions) registry.observe(outcome);
          // Incremental (@defer) responses carry their report in the final part only.
          if (response.body.kind !== 'single') return;
          const result = response.body.singleResult;
          result.extensions = { ...result.extensions, regions: regions.map(reportEntry) };
          if (conflicts.length > 0) result.extensions.conflicts = conflicts;
        },
      };
    },
  };
}
