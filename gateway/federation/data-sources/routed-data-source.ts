/**
 * Data source of the **records** part (routed): region-owned entities whose ids carry
 * their region. Each representation or `id` argument is sent only to its owner.
 *
 * Writes are routed the same way, never fanned out: `requestAssistance` goes only to its
 * `input.toRegion`; the other assistance mutations and `assistanceRequest` only to the
 * region of their request id (`GZ:XC2026000001`); `assistanceInbox` only to the caller's own region
 * (an officer works the inbox of the region they serve in).
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
import type { GatewayContext } from '../../context.ts';

export class RoutedDataSource implements GraphQLDataSource {
  constructor(private readonly fetcher: RegionFetcher) {}

  async process(options: GraphQLDataSourceProcessOptions): Promise<GatewayGraphQLResponse> {
    const fetch = readFetch(bodyOf(options.request), 'document' in options ? options.document : undefined);
    const regions = this.fetcher.regions(options.context);
    const { context } = options;
    if (isEntitiesFetch(fetch)) {
      return fetchRoutedEntities(this.fetcher, { fetch, regions, context });
    }
    const callerRegion = (context as Partial<GatewayContext> | undefined)?.caller?.region ?? null;
    return fetchRootFields(this.fetcher, {
      fetch,
      regions,
      context,
      decisions: routeByOwner(fetch.rootFields, fetch.variables, regions, callerRegion),
    });
  }
}

/**
 * Fields with an `id` argument go to the region it names. Fields without one
 * (`__typename`) ride along with the routed fields, or go to the first region alone:
 * any region can answer them, and asking all would break "only the owner is asked".
 */
function routeByOwner(
  fields: readonly FieldNode[],
  variables: Record<string, unknown>,
  regions: readonly RegionEntry[],
  callerRegion: string | null,
): RootDecision[] {
  const known = regions.map((r) => r.code);
  const owned = fields.map((field): RootDecision | null => {
    const addressed = addressedRegion(field, variables, known, callerRegion);
    if (addressed) return addressed;
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

/**
 * The one region an assistance root field goes to (see the header), a refusal naming the
 * bad region, or null for a field routed by its `id` or riding along.
 */
function addressedRegion(
  field: FieldNode,
  variables: Record<string, unknown>,
  known: readonly string[],
  callerRegion: string | null,
): RootDecision | null {
  if (field.name.value === 'assistanceInbox') {
    if (callerRegion && known.includes(callerRegion)) return { field, regions: [callerRegion] };
    return {
      refused: badUserInput(
        `assistanceInbox: the caller's region ${callerRegion === null ? '(none)' : quoteInput(callerRegion)} is not a registered region (${known.join(', ')}); an officer works their own region's inbox`,
        [responseKey(field)],
      ),
    };
  }
  if (field.name.value !== 'requestAssistance') return null;
  const input = argumentValue(field, 'input', variables) as { toRegion?: unknown } | undefined;
  const to = typeof input?.toRegion === 'string' ? input.toRegion.trim().toUpperCase() : input?.toRegion;
  if (typeof to === 'string' && known.includes(to)) return { field, regions: [to] };
  return {
    refused: badUserInput(
      `requestAssistance(input.toRegion:): ${quoteInput(to)} is not a registered region; expected one of ${known.join(', ')}`,
      [responseKey(field)],
    ),
  };
}
