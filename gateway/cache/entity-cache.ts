/**
 * The entity cache in front of the region requests of one subgraph fetch.
 *
 * For each region request it reads the items the request asks for — each `_entities`
 * representation, or the whole request when it is a root lookup by key — sends the
 * region only what missed, and splices hits and fresh answers back together in the
 * planner's order. To the data source the result looks like the region answered the
 * whole request (flagged `fromCache` when nothing had to be sent), so merging, error
 * paths and the region report work unchanged.
 *
 * Nothing here may fail a query: a store error means "miss", a failed write is dropped.
 */
import type { Logger } from 'pino';
import type { GatewayContext } from '../context.ts';
import type {
  GraphQLAnswer,
  GraphQLBody,
  RegionAnswer,
  RegionEntry,
  RegionRequestCache,
  SendRequests,
} from '../federation/data-sources/types.ts';

export type { RegionRequestCache, SendRequests };
import type { CacheConfig } from './config.ts';
import type { RegionFeeds } from './feeds.ts';
import { fetchShape, type FetchShape } from './fetch-shape.ts';
import type { InvalidationLog } from './invalidation-log.ts';
import { entityKey, lookupKey, type ItemKey, type KeyScope } from './keys.ts';
import type { CacheMetrics } from './metrics.ts';
import { traceOf, type ResponseTrace } from './response-trace.ts';
import { StoreError, type CacheEntry, type CacheStore } from './store.ts';

const ENTITIES = '_entities';
const STORE_ERROR_LOG_INTERVAL_MS = 10_000;

/** One region request as the cache sees it. */
type Plan =
  | { kind: 'pass'; body: GraphQLBody }
  | { kind: 'entities'; body: GraphQLBody; items: (ItemKey | null)[]; sensitive: boolean }
  | { kind: 'lookup'; body: GraphQLBody; item: ItemKey; sensitive: boolean };

export interface EntityCacheDeps {
  config: CacheConfig;
  store: CacheStore;
  feeds: RegionFeeds;
  log: InvalidationLog;
  metrics: CacheMetrics;
  logger: Logger;
}

export class EntityCache implements RegionRequestCache {
  private lastStoreErrorLog = 0;

  constructor(private readonly deps: EntityCacheDeps) {}

  bypassed(context: unknown, reason: string): void {
    traceOf(context)?.spoil(reason);
  }

  async ask(
    subgraph: string,
    regions: readonly RegionEntry[],
    requests: ReadonlyMap<string, GraphQLBody>,
    context: unknown,
    send: SendRequests,
  ): Promise<RegionAnswer[]> {
    const partition = (context as Partial<GatewayContext> | undefined)?.authorisationPartition;
    const trace = traceOf(context);
    if (!partition) {
      this.deps.metrics.bypasses.inc({ reason: 'no-partition' });
      trace?.spoil('no authorisation partition');
      return send(regions, requests);
    }
    this.deps.feeds.sync(regions);
    const asked = regions.filter((r) => requests.has(r.code));
    const plans = new Map(asked.map((r) => [r.code, this.plan({ subgraph, region: r.code, partition }, requests.get(r.code)!)]));
    if (trace) this.vouch(trace, asked, plans);
    if ([...plans.values()].every((plan) => plan.kind === 'pass')) return send(regions, requests);
    const mark = this.deps.log.mark();
    const hits = await this.read([...plans.values()]);

    const toSend = new Map<string, GraphQLBody>();
    const answers = new Map<string, RegionAnswer>();
    for (const region of asked) {
      const plan = plans.get(region.code)!;
      const missing = this.count(plan, hits, context);
      if (plan.kind === 'pass' || missing.length > 0) toSend.set(region.code, subRequest(plan, missing));
      else answers.set(region.code, cachedAnswer(region, plan, hits));
    }
    const fetched = toSend.size > 0 ? await send(asked, toSend) : [];
    const writes: CacheEntry[] = [];
    for (const answer of fetched) {
      if (answer.status !== 'answered' || answer.answer?.errors?.length)
        trace?.spoil(`region ${answer.region.code} did not answer cleanly`);
      const plan = plans.get(answer.region.code)!;
      const spliced = splice(plan, answer, hits);
      answers.set(answer.region.code, spliced.answer);
      writes.push(...this.entriesOf(plan, spliced.fresh, mark));
    }
    await this.write(writes);
    return asked.map((r) => answers.get(r.code)!);
  }

  /** What this fetch adds to the response cache's trace: every item's tags and TTL, or why it cannot be cached. */
  private vouch(trace: ResponseTrace, asked: readonly RegionEntry[], plans: ReadonlyMap<string, Plan>): void {
    for (const region of asked) {
      const plan = plans.get(region.code)!;
      if (plan.kind === 'pass') return trace.spoil(`a fetch from region ${region.code} is not cacheable`);
      const items = plan.kind === 'entities' ? plan.items : [plan.item];
      for (const item of items) {
        if (!item) return trace.spoil(`an entity from region ${region.code} has no cache key`);
        trace.add(item, this.ttl(item.types));
      }
      if (plan.sensitive) trace.sensitiveRegions.add(region.code);
    }
  }

  private plan(base: Pick<KeyScope, 'subgraph' | 'region' | 'partition'>, body: GraphQLBody): Plan {
    const shape = fetchShape(body.query, body.operationName);
    if (shape.kind === 'other') return { kind: 'pass', body };
    if (shape.sensitive && !this.deps.feeds.isLive(base.region)) {
      // Wanted status is only ever served while this region's evictions are known to arrive.
      this.deps.metrics.bypasses.inc({ reason: 'invalidation-not-live' });
      return { kind: 'pass', body };
    }
    const { representations, ...variables } = body.variables ?? {};
    const scope: KeyScope = { ...base, queryHash: shape.queryHash, variables };
    return shape.kind === 'entities' ? entitiesPlan(scope, body, representations, shape.sensitive) : lookupPlan(scope, body, shape);
  }

  /** Reads every plan's keys in one round trip; a failing store reads as "all missed". */
  private async read(plans: readonly Plan[]): Promise<Map<string, string>> {
    const keys = [...new Set(plans.flatMap(itemsOf).map((item) => item.key))];
    try {
      const values = await this.deps.store.getMany(keys);
      return new Map(keys.flatMap((key, i) => (values[i] === null ? [] : [[key, values[i]!]])));
    } catch (error) {
      this.storeFailed(error);
      return new Map();
    }
  }

  /** Counts hits and misses (metrics and the request's report); returns the positions that missed. */
  private count(plan: Plan, hits: ReadonlyMap<string, string>, context: unknown): number[] {
    if (plan.kind === 'pass') return [];
    const items = plan.kind === 'entities' ? plan.items : [plan.item];
    const missing: number[] = [];
    items.forEach((item, i) => {
      const hit = item !== null && hits.has(item.key);
      if (!hit) missing.push(i);
      for (const type of item?.types ?? ['uncacheable']) (hit ? this.deps.metrics.hits : this.deps.metrics.misses).inc({ type });
    });
    const report = (context as Partial<GatewayContext> | undefined)?.report?.cache;
    if (report) {
      report.hits += items.length - missing.length;
      report.misses += missing.length;
    }
    return missing;
  }

  private entriesOf(plan: Plan, fresh: ReadonlyMap<number, unknown>, mark: number): CacheEntry[] {
    if (plan.kind === 'pass') return [];
    const items = plan.kind === 'entities' ? plan.items : [plan.item];
    const entries: CacheEntry[] = [];
    for (const [i, value] of fresh) {
      const item = items[i];
      // An answer read before a change event and arriving after it would undo the eviction.
      if (!item || this.deps.log.touchedSince(mark, item.tags)) continue;
      entries.push({ key: item.key, value: JSON.stringify(value ?? null), tags: item.tags, ttlSeconds: this.ttl(item.types) });
    }
    return entries;
  }

  private async write(entries: CacheEntry[]): Promise<void> {
    if (entries.length === 0) return;
    try {
      await this.deps.store.setMany(entries);
    } catch (error) {
      this.storeFailed(error);
    }
  }

  private ttl(types: readonly string[]): number {
    const ttls = this.deps.config.ttlSeconds;
    return Math.min(...types.map((type) => ttls[type as keyof typeof ttls] ?? ttls.default));
  }

  /** Counts a store failure and logs it (at most every 10 s): the query goes on without the cache. */
  storeFailed(error: unknown): void {
    if (!(error instanceof StoreError)) this.deps.metrics.storeErrors.inc({ store: this.deps.store.kind, operation: 'unexpected' });
    const now = Date.now();
    if (now - this.lastStoreErrorLog < STORE_ERROR_LOG_INTERVAL_MS) return;
    this.lastStoreErrorLog = now;
    this.deps.logger.warn({ err: error }, 'cache store failed; answering without the cache');
  }
}

function entitiesPlan(scope: KeyScope, body: GraphQLBody, representations: unknown, sensitive: boolean): Plan {
  if (!Array.isArray(representations)) return { kind: 'pass', body };
  return { kind: 'entities', body, items: representations.map((r) => entityKey(scope, r as Record<string, unknown>)), sensitive };
}

function lookupPlan(scope: KeyScope, body: GraphQLBody, shape: Extract<FetchShape, { kind: 'lookups' }>): Plan {
  const item = lookupKey(scope, shape.fields);
  return item ? { kind: 'lookup', body, item, sensitive: shape.sensitive } : { kind: 'pass', body };
}

function itemsOf(plan: Plan): ItemKey[] {
  if (plan.kind === 'pass') return [];
  return plan.kind === 'entities' ? plan.items.filter((i): i is ItemKey => i !== null) : [plan.item];
}

/** The request for what missed: the missing representations, or the lookup unchanged. */
function subRequest(plan: Plan, missing: readonly number[]): GraphQLBody {
  if (plan.kind !== 'entities') return plan.body;
  const representations = plan.body.variables!.representations as unknown[];
  return { ...plan.body, variables: { ...plan.body.variables, representations: missing.map((i) => representations[i]) } };
}

function cachedAnswer(region: RegionEntry, plan: Plan, hits: ReadonlyMap<string, string>): RegionAnswer {
  const data =
    plan.kind === 'entities'
      ? { [ENTITIES]: plan.items.map((item) => JSON.parse(hits.get(item!.key)!)) }
      : (JSON.parse(hits.get((plan as { item: ItemKey }).item.key)!) as Record<string, unknown>);
  return { region, status: 'answered', latencyMs: 0, answer: { data }, fromCache: true };
}

/**
 * The region's answer to the missing part, put back into the whole request's shape, and
 * the values fit to store (by item position): only those no error touches.
 */
function splice(
  plan: Plan,
  answer: RegionAnswer,
  hits: ReadonlyMap<string, string>,
): { answer: RegionAnswer; fresh: Map<number, unknown> } {
  const fresh = new Map<number, unknown>();
  if (plan.kind === 'pass' || answer.status !== 'answered' || !answer.answer?.data) return { answer, fresh };
  const errors = answer.answer.errors ?? [];
  if (plan.kind === 'lookup') {
    if (errors.length === 0) fresh.set(0, answer.answer.data);
    return { answer, fresh };
  }
  const list = answer.answer.data[ENTITIES];
  const missing = plan.items.flatMap((item, i) => (item !== null && hits.has(item.key) ? [] : [i]));
  if (!Array.isArray(list) || list.length !== missing.length) return { answer, fresh };
  const entities = plan.items.map((item) => (item !== null && hits.has(item.key) ? JSON.parse(hits.get(item.key)!) : null));
  missing.forEach((at, j) => {
    entities[at] = list[j];
  });
  const pathless = errors.some((e) => e.path?.[0] !== ENTITIES || typeof e.path[1] !== 'number');
  const touched = new Set(errors.map((e) => e.path?.[1]));
  if (!pathless)
    missing.forEach((at, j) => {
      if (!touched.has(j)) fresh.set(at, list[j]);
    });
  const remapped = errors.map((e) =>
    e.path?.[0] === ENTITIES && typeof e.path[1] === 'number'
      ? { ...e, path: [ENTITIES, missing[e.path[1]] ?? e.path[1], ...e.path.slice(2)] }
      : e,
  );
  const spliced: GraphQLAnswer = {
    ...answer.answer,
    data: { ...answer.answer.data, [ENTITIES]: entities },
    ...(errors.length ? { errors: remapped } : {}),
  };
  return { answer: { ...answer, answer: spliced }, fresh };
}
