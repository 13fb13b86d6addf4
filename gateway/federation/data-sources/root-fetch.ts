/**
 * A fetch of root fields (not `_entities`) spread over regions: each root field is
 * sent to the regions its route names, and each field's answers are combined —
 * deep-merged by default, or by the route's own combiner (search connections).
 */
import { startMergeSpan, tracingState } from '../../../common/tracing/spans.ts';
import type { GatewayGraphQLResponse } from '@apollo/server-gateway-interface';
import { RegionMerger, type MergeOptions, type RegionValue } from '../merge/deep-merge.ts';
import { requestsByRegion, responseKey, type FetchOperation, type FieldRoute } from './operation.ts';
import { regionErrors, unavailableError } from './region-errors.ts';
import type { RegionFetcher } from './region-fetch.ts';
import type { FormattedError, RegionAnswer, RegionEntry } from './types.ts';

export interface RootRoute extends FieldRoute {
  /** Combines the answering regions' values of this field; default: deep merge. */
  combine?: (values: RegionValue[], merger: RegionMerger) => { value: unknown; errors?: FormattedError[] };
  /** Whether a region's value counts as a hit; default: not null. */
  isHit?: (value: unknown) => boolean;
  /** Moves a region's error path under this field to the merged answer's (null: drop the error). */
  errorPath?: (path: (string | number)[], region: string) => (string | number)[] | null;
  /** Regions this field deliberately does not ask, and why (recorded as `skipped` when no field asks them). */
  skipped?: ReadonlyMap<string, string>;
}

/** What to do with one root field: route it, or refuse it with an error at its path. */
export type RootDecision = RootRoute | { refused: FormattedError };

export interface RootFetchInput {
  fetch: FetchOperation;
  regions: readonly RegionEntry[];
  decisions: readonly RootDecision[];
  /** Entity keys and field rules for the deep merge. */
  merge?: Pick<MergeOptions, 'keys' | 'rules'>;
  context: unknown;
}

export async function fetchRootFields(fetcher: RegionFetcher, input: RootFetchInput): Promise<GatewayGraphQLResponse> {
  const { fetch, regions, decisions, context } = input;
  const routes = decisions.filter((d): d is RootRoute => !('refused' in d));
  const errors: FormattedError[] = decisions.flatMap((d) => ('refused' in d ? [d.refused] : []));
  const answers = routes.length > 0 ? await fetcher.ask(regions, requestsByRegion(fetch, routes), context) : [];

  // Synchronous work: a span started and ended around it, no closure (and nothing when tracing is off).
  const mergeSpan = tracingState.on ? startMergeSpan(fetcher.subgraph, answers.length) : null;
  const merger = new RegionMerger(input.merge);
  const data: Record<string, unknown> = {};
  for (const decision of decisions) {
    if ('refused' in decision) data[refusedKey(decision)] = null;
  }
  for (const route of routes) {
    const key = responseKey(route.field);
    const values = valuesOf(answers, key, route);
    const combined = route.combine ? route.combine(values, merger) : { value: merger.mergeAll(values, [key]) };
    data[key] = combined.value ?? null;
    errors.push(...(combined.errors ?? []));
  }
  mergeSpan?.end();
  errors.push(...answers.filter((a) => a.status !== 'answered').map((a) => unavailableError(a, fetcher.part)));
  const byKey = new Map(routes.map((route) => [responseKey(route.field), route]));
  errors.push(
    ...regionErrors(
      answers.filter((a) => a.status === 'answered'),
      (path, answer) => {
        const route = byKey.get(String(path[0]));
        return route?.errorPath ? route.errorPath(path, answer.region.code) : path;
      },
    ),
  );

  fetcher.record(context, [
    ...answers.map((answer) => fetcher.outcomeOf(answer, contributedTo(answer.region.code, routes))),
    ...[...skippedRegions(routes)].map(([code, why]) => fetcher.outcome(code, 'skipped', 0, why)),
  ]);
  fetcher.recordConflicts(context, merger.conflicts());
  return errors.length > 0 ? { data, errors } : { data };
}

function refusedKey(decision: { refused: FormattedError }): string {
  const key = decision.refused.path?.[0];
  if (typeof key !== 'string')
    throw new Error(`a refused root field must carry its response key as path, got ${JSON.stringify(decision.refused.path)}`);
  return key;
}

/** Regions some field skipped on purpose and no field asked. */
function skippedRegions(routes: readonly RootRoute[]): Map<string, string> {
  const asked = new Set(routes.flatMap((r) => r.regions));
  const skipped = new Map<string, string>();
  for (const route of routes) {
    for (const [code, why] of route.skipped ?? []) if (!asked.has(code) && !skipped.has(code)) skipped.set(code, why);
  }
  return skipped;
}

/** The field's value from each region that was asked for it and answered, in registry order. */
function valuesOf(answers: readonly RegionAnswer[], key: string, route: RootRoute): RegionValue[] {
  return answers
    .filter((a) => a.status === 'answered' && route.regions.includes(a.region.code) && a.answer?.data)
    .map((a) => ({ region: a.region.code, value: a.answer!.data![key] }));
}

/** A region contributed when at least one field it was asked holds something of its. */
function contributedTo(code: string, routes: readonly RootRoute[]) {
  return (data: Record<string, unknown>) =>
    routes.some((route) => route.regions.includes(code) && (route.isHit ?? notNull)(data[responseKey(route.field)]));
}

function notNull(value: unknown): boolean {
  return value !== null && value !== undefined;
}
