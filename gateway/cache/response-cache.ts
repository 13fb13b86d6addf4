/**
 * The response cache: a whole answer kept for the callers of one authorisation
 * partition, so a repeated query (the same officer standing, operation and variables)
 * skips planning, the fan-out and the merge.
 *
 * It sits between field-level authorisation and @apollo/gateway (a gateway wrapper, see
 * plugins/index.ts), so it caches what the executor returns for the *filtered*
 * operation, keyed by its own query hash, before denials are applied; nothing about the
 * HTTP, audit, limits or bulk-lookup layers changes on a hit — each hit is audited
 * like any answer, with every region it came from reported as `cached`.
 *
 * Built on the entity cache rather than beside it: an answer is stored only when every
 * fetch of its execution went through the entity cache with items it could key (see
 * response-trace.ts), and the entry carries the union of those items' tags — so the
 * change event that evicts an entity evicts every answer built from it — and the
 * shortest of their TTLs. Wanted status stays as fresh as in the entity cache: an
 * answer that touched wanted notices or alerts is served only while those regions'
 * invalidation is live. An answer with any error, or a region not answering, is never
 * stored. Entries also name the region list they were built over, so registering or
 * removing a region is never answered from before it.
 *
 * Nothing here may fail a query: a store error is a miss, a failed write is dropped.
 */
import { createHash } from 'node:crypto';
import type { GatewayExecutor, GatewayGraphQLRequestContext, GatewayInterface } from '@apollo/server-gateway-interface';
import type { GatewayContext, MergeConflict, RegionOutcome } from '../context.ts';
import type { RegionEntry } from '../federation/data-sources/types.ts';
import { wrapExecutor } from '../executor-wrapper.ts';
import { NOT_IN_MEMBERSHIP_FILTER } from '../federation/data-sources/membership.ts';
import type { RegionFeeds } from './feeds.ts';
import type { InvalidationLog } from './invalidation-log.ts';
import { stable } from './keys.ts';
import type { CacheMetrics } from './metrics.ts';
import { endTrace, startTrace, type ResponseTrace } from './response-trace.ts';
import type { CacheStore } from './store.ts';

export interface ResponseCacheDeps {
  store: CacheStore;
  feeds: RegionFeeds;
  log: InvalidationLog;
  metrics: CacheMetrics;
  /** The regions a request runs over (the registry, pinned per request). */
  regions(request: unknown): readonly RegionEntry[];
  onStoreError(error: unknown): void;
}

/** What is stored: the executor's answer and what the request report needs on a hit. */
interface StoredResponse {
  data: Record<string, unknown>;
  /** Region codes of the registry the answer was built over. */
  registry: string;
  regions: Pick<RegionOutcome, 'region' | 'subgraph' | 'status'>[];
  conflicts: MergeConflict[];
  /** Cached items per entity type it was built from. */
  types: Record<string, number>;
  sensitiveRegions: string[];
}

type Executor = GatewayExecutor;

export class ResponseCache {
  constructor(private readonly deps: ResponseCacheDeps) {}

  /** @apollo/gateway (or any gateway) with the response cache in front of its executor. */
  wrapGateway(gateway: GatewayInterface): GatewayInterface {
    return wrapExecutor(gateway, (inner) => this.executor(inner));
  }

  executor(inner: Executor): Executor {
    return async (requestContext) => {
      const context = requestContext.context as Partial<GatewayContext>;
      const why = ineligible(requestContext, context);
      if (why) {
        this.deps.metrics.responses.inc({ outcome: `bypass-${why}` });
        return inner(requestContext);
      }
      const registry = this.deps
        .regions(context)
        .map((r) => r.code)
        .join(',');
      const key = responseKey(context.authorisationPartition!, requestContext, registry);
      const hit = await this.read(key, registry);
      if (hit) {
        this.replay(context, hit);
        this.deps.metrics.responses.inc({ outcome: 'hit' });
        return { data: hit.data };
      }
      const mark = this.deps.log.mark();
      const reportFrom = { regions: context.report?.regions.length ?? 0, conflicts: context.report?.conflicts.length ?? 0 };
      const trace = startTrace(context);
      let result;
      try {
        result = await inner(requestContext);
      } finally {
        endTrace(context);
      }
      const stored = storable(result, trace, context, reportFrom, registry);
      if (!stored || this.deps.log.touchedSince(mark, [...trace.tags])) {
        this.deps.metrics.responses.inc({ outcome: 'miss-uncacheable' });
        return result;
      }
      await this.write(key, stored, trace);
      this.deps.metrics.responses.inc({ outcome: 'miss-stored' });
      return result;
    };
  }

  private async read(key: string, registry: string): Promise<StoredResponse | null> {
    let text: string | null;
    try {
      [text] = await this.deps.store.getMany([key]);
    } catch (error) {
      this.deps.onStoreError(error);
      return null;
    }
    if (!text) return null;
    const stored = JSON.parse(text) as StoredResponse;
    if (stored.registry !== registry) return null;
    // Wanted status from cache only while each region's evictions are known to arrive.
    if (stored.sensitiveRegions.some((region) => !this.deps.feeds.isLive(region))) {
      this.deps.metrics.bypasses.inc({ reason: 'invalidation-not-live' });
      return null;
    }
    return stored;
  }

  private async write(key: string, stored: StoredResponse, trace: ResponseTrace): Promise<void> {
    try {
      await this.deps.store.setMany([{ key, value: JSON.stringify(stored), tags: [...trace.tags], ttlSeconds: trace.ttlSeconds }]);
    } catch (error) {
      this.deps.onStoreError(error);
    }
  }

  /** A hit, in the request's report: every region it came from as `cached`, the conflicts it had. */
  private replay(context: Partial<GatewayContext>, stored: StoredResponse): void {
    const report = context.report;
    if (!report) return;
    for (const { region, subgraph, status } of stored.regions) {
      report.regions.push({ region, subgraph, status: status === 'skipped' ? 'skipped' : 'cached', latencyMs: 0 });
    }
    report.conflicts.push(...stored.conflicts);
    for (const [type, count] of Object.entries(stored.types)) {
      report.cache.hits += count;
      this.deps.metrics.hits.inc({ type }, count);
    }
  }
}

/**
 * Regions left out because their membership filter ruled the key out: the answer rests on
 * those filters, which hold only while the region's change stream is live, so it is
 * served only while it is (as for regions whose wanted status the answer holds).
 */
function skippedByFilter(outcomes: readonly RegionOutcome[]): string[] {
  return outcomes.filter((o) => o.status === 'skipped' && o.message === NOT_IN_MEMBERSHIP_FILTER).map((o) => o.region);
}

/** Why a request is not for the response cache; null when it is. */
function ineligible(requestContext: GatewayGraphQLRequestContext, context: Partial<GatewayContext>): string | null {
  if (!context.authorisationPartition || !context.report) return 'no-partition';
  const operation = requestContext.operation;
  if (operation?.operation !== 'query') return 'not-a-query';
  if (operation.selectionSet.selections.some((s) => s.kind === 'Field' && s.name.value.startsWith('__'))) return 'introspection';
  return null;
}

function responseKey(partition: string, requestContext: GatewayGraphQLRequestContext, registry: string): string {
  const { queryHash, request } = requestContext;
  const id = stable(['response', partition, registry, queryHash, request.operationName ?? null, request.variables ?? {}]);
  return `response:${createHash('sha256').update(id).digest('base64url')}`;
}

/** The entry to store, or null when the answer must not be cached. */
function storable(
  result: Awaited<ReturnType<Executor>>,
  trace: ResponseTrace,
  context: Partial<GatewayContext>,
  from: { regions: number; conflicts: number },
  registry: string,
): StoredResponse | null {
  if (trace.spoiled || trace.items === 0 || result.errors?.length || !result.data) return null;
  const outcomes = context.report!.regions.slice(from.regions);
  if (outcomes.some((o) => o.status !== 'hit' && o.status !== 'miss' && o.status !== 'cached' && o.status !== 'skipped')) return null;
  return {
    data: result.data as Record<string, unknown>,
    registry,
    regions: outcomes.map(({ region, subgraph, status }) => ({ region, subgraph, status })),
    conflicts: context.report!.conflicts.slice(from.conflicts),
    types: trace.types,
    sensitiveRegions: [...new Set([...trace.sensitiveRegions, ...skippedByFilter(outcomes)])],
  };
}
