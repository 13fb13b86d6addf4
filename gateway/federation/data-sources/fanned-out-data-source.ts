/**
 * Data source of the **index** part (fanned out): global entities keyed by a national
 * key. Every fetch goes to every region (or those a root field's `regions:` names — for
 * the root fetch and for every later hop under that field, operation-regions.ts), less
 * those whose trusted membership filter rules the key out (membership.ts), and the
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
import { entityKeys, narrowByMembership, noteFalsePositives, rootKey, type MembershipKey, type RegionMembership } from './membership.ts';
import type { FieldNode } from 'graphql';

export class FannedOutDataSource implements GraphQLDataSource {
  private readonly prepared: PreparedOperations<MergeRules>;

  constructor(
    private readonly fetcher: RegionFetcher,
    private readonly part: PartSchema,
    /** The regions' membership filters (gateway/filters/); null: every region is asked. */
    private readonly membership: RegionMembership | null = null,
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
    const membership = this.membership;
    if (isEntitiesFetch(fetch)) {
      const pathInRequest = 'pathInIncomingRequest' in options ? options.pathInIncomingRequest : undefined;
      const incoming = 'incomingRequestContext' in options ? options.incomingRequestContext : undefined;
      const hop = regionsForHop(incoming, pathInRequest, regions);
      const narrowed = narrowByMembership(membership, entityKeys(fetch.variables.representations as unknown[]), hop.regions, true);
      const skipped = narrowed ? new Map([...hop.skipped, ...narrowed.skipped]) : hop.skipped;
      return fetchFannedEntities(this.fetcher, {
        fetch,
        regions: narrowed?.regions ?? hop.regions,
        skipped,
        context,
        merge,
        pathInRequest,
      });
    }
    const decisions = fanOutDecisions(fetch, regions, membership);
    if (!membership) return fetchRootFields(this.fetcher, { fetch, regions, context, merge, decisions });
    const report = this.fetcher.report(context);
    const from = report?.regions.length ?? 0;
    const response = await fetchRootFields(this.fetcher, { fetch, regions, context, merge, decisions });
    const vouched = decisions.flatMap((d) => ('vouched' in d && d.vouched ? d.vouched : []));
    if (report) noteFalsePositives(membership, vouched, report.regions.slice(from));
    return response;
  }
}

/**
 * Each root field to the regions its `regions:` argument names (default: all), less those
 * whose membership filter rules its key out; a malformed key asks none.
 */
export function fanOutDecisions(
  fetch: FetchOperation,
  regions: readonly RegionEntry[],
  membership: RegionMembership | null = null,
): (RootDecision & { vouched?: string[] })[] {
  return fetch.rootFields.map((field) => {
    const malformed = refuseMalformedKey(field, fetch.variables);
    if (malformed) return { refused: malformed };
    const selection = selectRegions(field, fetch.variables, regions);
    if ('refused' in selection) return selection;
    const selected = regions.filter((r) => selection.codes.includes(r.code));
    const narrowed = narrowByMembership(membership, keyOf(field, fetch.variables), selected, false);
    if (!narrowed) return { field, regions: selection.codes, skipped: selection.skipped };
    return {
      field,
      regions: narrowed.regions.map((r) => r.code),
      skipped: new Map([...selection.skipped, ...narrowed.skipped]),
      vouched: narrowed.vouched,
    };
  });
}

function keyOf(field: FieldNode, variables: Record<string, unknown>): MembershipKey[] | null {
  const key = rootKey(field, variables);
  return key ? [key] : null;
}
