/**
 * Data source of the **records** part (routed): region-owned entities whose ids carry
 * their region. Each representation or `id` argument is sent only to its owner.
 */
import type { GatewayGraphQLResponse } from '@apollo/server-gateway-interface';
import type { FieldNode } from 'graphql';
import type { GraphQLDataSource, GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import { fetchRoutedEntities, isEntitiesFetch, regionOfId } from './entities-fetch.ts';
import { quoteInput } from '../../../common/normalise/index.ts';
import { argumentValue, bodyOf, readFetch, responseKey } from './operation.ts';
import { badUserInput } from './region-errors.ts';
import type { RegionFetcher } from './region-fetch.ts';
import { fetchRootFields, type RootDecision } from './root-fetch.ts';
import type { RegionEntry } from './types.ts';

export class RoutedDataSource implements GraphQLDataSource {
  constructor(private readonly fetcher: RegionFetcher) {}

  async process(options: GraphQLDataSourceProcessOptions): Promise<GatewayGraphQLResponse> {
    const fetch = readFetch(bodyOf(options.request), 'document' in options ? options.document : undefined);
    const regions = this.fetcher.regions(options.context);
    const { context } = options;
    if (isEntitiesFetch(fetch)) {
      return fetchRoutedEntities(this.fetcher, { fetch, regions, context });
    }
    return fetchRootFields(this.fetcher, { fetch, regions, context, decisions: routeByOwner(fetch.rootFields, fetch.variables, regions) });
  }
}

/**
 * Fields with an `id` argument go to the region it names. Fields without one
 * (`__typename`) ride along with the routed fields, or go to the first region alone:
 * any region can answer them, and asking all would break "only the owner is asked".
 */
function routeByOwner(fields: readonly FieldNode[], variables: Record<string, unknown>, regions: readonly RegionEntry[]): RootDecision[] {
  const known = regions.map((r) => r.code);
  const owned = fields.map((field): RootDecision | null => {
    const id = argumentValue(field, 'id', variables);
    if (id === undefined) return null;
    const code = regionOfId(id);
    if (code && known.includes(code)) return { field, regions: [code] };
    return {
      refused: badUserInput(
        `${field.name.value}(id:): ${quoteInput(id)} names no known region; expected a Liandong id "REGION:local-id" with REGION one of ${known.join(', ')} (e.g. "${known[0] ?? 'JS'}:C-2026-000123")`,
        [responseKey(field)],
      ),
    };
  });
  const owners = [...new Set(owned.flatMap((d) => (d && !('refused' in d) ? d.regions : [])))];
  const anyRegion = owners.length > 0 ? owners : known.slice(0, 1);
  return fields.map((field, i) => owned[i] ?? { field, regions: anyRegion });
}
