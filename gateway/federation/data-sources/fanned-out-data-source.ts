/**
 * Data source of the **index** part (fanned out): global entities keyed by a national
 * key. Every fetch goes to every region (or those a root field's `regions:` names — for
 * the root fetch and for every later hop under that field, operation-regions.ts) and the
 * answers are deep-merged (see merge/deep-merge.ts).
 */
import type { GatewayGraphQLResponse } from '@apollo/server-gateway-interface';
import type { GraphQLDataSource, GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import { fetchFannedEntities, isEntitiesFetch } from './entities-fetch.ts';
import { injectEntityKeys } from './inject-keys.ts';
import { bodyOf, readFetch, type FetchOperation } from './operation.ts';
import type { PartSchema } from './part-schema.ts';
import { PreparedOperations } from './prepared-operations.ts';
import { INDEX_MERGE_RULES, rulesForOperation } from './merge-rules.ts';
import type { MergeRules } from '../merge/deep-merge.ts';
import type { RegionFetcher } from './region-fetch.ts';
import { refuseMalformedKey } from './key-arguments.ts';
import { regionsForHop } from './operation-regions.ts';
import { selectRegions } from './region-filter.ts';
import { fetchRootFields, type RootDecision } from './root-fetch.ts';
import type { RegionEntry } from './types.ts';

export class FannedOutDataSource implements GraphQLDataSource {
  private readonly prepared: PreparedOperations<MergeRules>;

  constructor(
    private readonly fetcher: RegionFetcher,
    private readonly part: PartSchema,
  ) {
    this.prepared = new PreparedOperations((doc) => ({
      document: injectEntityKeys(doc, part.schema, part.keys),
      meta: rulesForOperation(doc, part.schema, INDEX_MERGE_RULES),
    }));
  }

  async process(options: GraphQLDataSourceProcessOptions): Promise<GatewayGraphQLResponse> {
    const {
      body,
      document,
      meta: rules,
    } = this.prepared.prepare(bodyOf(options.request), 'document' in options ? options.document : undefined);
    const fetch = readFetch(body, document);
    const regions = this.fetcher.regions(options.context);
    const { context } = options;
    const merge = { keys: this.part.keys, rules };
    if (isEntitiesFetch(fetch)) {
      const pathInRequest = 'pathInIncomingRequest' in options ? options.pathInIncomingRequest : undefined;
      const incoming = 'incomingRequestContext' in options ? options.incomingRequestContext : undefined;
      const hop = regionsForHop(incoming, pathInRequest, regions);
      return fetchFannedEntities(this.fetcher, { fetch, regions: hop.regions, skipped: hop.skipped, context, merge, pathInRequest });
    }
    return fetchRootFields(this.fetcher, { fetch, regions, context, merge, decisions: fanOutDecisions(fetch, regions) });
  }
}

/** Each root field to the regions its `regions:` argument names (default: all); a malformed key asks none. */
export function fanOutDecisions(fetch: FetchOperation, regions: readonly RegionEntry[]): RootDecision[] {
  return fetch.rootFields.map((field) => {
    const malformed = refuseMalformedKey(field, fetch.variables);
    if (malformed) return { refused: malformed };
    const selection = selectRegions(field, fetch.variables, regions);
    return 'refused' in selection ? selection : { field, regions: selection.codes, skipped: selection.skipped };
  });
}
