/**
 * `_entities` fetches over regions.
 *
 * - routed (records): each representation goes only to the region its `id` names; the
 *   answers are put back in the planner's order (the gateway matches them by position).
 * - fanned out (index): every representation goes to every region; each position is
 *   the deep merge of what the regions answered for it.
 */
import { startMergeSpan, tracingState } from '../../../common/tracing/spans.ts';
import type { GatewayGraphQLResponse } from '@apollo/server-gateway-interface';
import { quoteInput } from '../../../common/normalise/index.ts';
import { RegionMerger, type MergeOptions, type ResponsePath } from '../merge/deep-merge.ts';
import type { FetchOperation } from './operation.ts';
import { regionErrors, unavailableError, UNKNOWN_REGION } from './region-errors.ts';
import type { RegionFetcher } from './region-fetch.ts';
import type { FormattedError, GraphQLBody, RegionAnswer, RegionEntry } from './types.ts';

const ENTITIES = '_entities';
const REGION_PREFIX = /^([A-Z]{2,8}):./;

export function isEntitiesFetch(fetch: FetchOperation): boolean {
  return fetch.rootFields.length === 1 && fetch.rootFields[0].name.value === ENTITIES && Array.isArray(fetch.variables.representations);
}

/** The region code at the front of a Liandong id (`JS:C-2026-000123` → `JS`), or null. */
export function regionOfId(id: unknown): string | null {
  return typeof id === 'string' ? (REGION_PREFIX.exec(id)?.[1] ?? null) : null;
}

export interface EntitiesInput {
  fetch: FetchOperation;
  regions: readonly RegionEntry[];
  context: unknown;
  /** Where the entities sit in the client's response (for conflict paths). */
  pathInRequest?: ResponsePath;
  /** Entity keys and field rules for the deep merge. */
  merge?: Pick<MergeOptions, 'keys' | 'rules'>;
  /** Regions deliberately not asked, and why (the root field's `regions:` filter): reported as `skipped`. */
  skipped?: ReadonlyMap<string, string>;
}

export async function fetchRoutedEntities(fetcher: RegionFetcher, input: EntitiesInput): Promise<GatewayGraphQLResponse> {
  const { fetch, regions, context } = input;
  const representations = fetch.variables.representations as Record<string, unknown>[];
  const { groups, errors } = groupByOwner(representations, regions);
  const requests = new Map<string, GraphQLBody>();
  for (const [code, positions] of groups) {
    requests.set(code, { ...fetch.body, variables: { ...fetch.variables, representations: positions.map((i) => representations[i]) } });
  }
  const answers = await fetcher.ask(regions, requests, context);

  const entities: unknown[] = representations.map(() => null);
  const answered: RegionAnswer[] = [];
  for (const answer of answers) {
    if (answer.status !== 'answered') {
      errors.push(unavailableError(answer, fetcher.part));
      continue;
    }
    const positions = groups.get(answer.region.code)!;
    const list = answer.answer?.data?.[ENTITIES];
    if (Array.isArray(list) && list.length !== positions.length) {
      errors.push(
        unavailableError(
          { ...answer, status: 'error', message: `answered ${list.length} entities for ${positions.length} representations` },
          fetcher.part,
        ),
      );
      continue;
    }
    if (Array.isArray(list))
      list.forEach((entity, j) => {
        entities[positions[j]] = entity;
      });
    answered.push(answer);
  }
  errors.push(...regionErrors(answered, (path, answer) => toPlannerOrder(path, groups.get(answer.region.code)!)));
  fetcher.record(
    context,
    answers.map((answer) => fetcher.outcomeOf(answer, foundAny)),
  );
  return respond({ [ENTITIES]: entities }, errors);
}

export async function fetchFannedEntities(fetcher: RegionFetcher, input: EntitiesInput): Promise<GatewayGraphQLResponse> {
  const { fetch, regions, context } = input;
  const representations = fetch.variables.representations as unknown[];
  const requests = new Map(regions.map((region) => [region.code, fetch.body]));
  const answers = await fetcher.ask(regions, requests, context);

  // Synchronous work: a span started and ended around it, no closure (and nothing when tracing is off).
  const mergeSpan = tracingState.on ? startMergeSpan(fetcher.subgraph, answers.length) : null;
  const merger = new RegionMerger(input.merge);
  const answered = answers.filter((a) => a.status === 'answered');
  const entities = representations.map(
    (_, i) =>
      merger.mergeAll(
        answered.map((a) => ({ region: a.region.code, value: entityAt(a, i) })),
        entityPath(input.pathInRequest, i),
      ) ?? null,
  );
  mergeSpan?.end();
  const errors = [
    ...answers.filter((a) => a.status !== 'answered').map((a) => unavailableError(a, fetcher.part)),
    ...regionErrors(answered),
  ];
  fetcher.record(context, [
    ...answers.map((answer) => fetcher.outcomeOf(answer, foundAny)),
    ...[...(input.skipped ?? [])].map(([code, why]) => fetcher.outcome(code, 'skipped', 0, why)),
  ]);
  fetcher.recordConflicts(context, merger.conflicts());
  return respond({ [ENTITIES]: entities }, errors);
}

function groupByOwner(representations: readonly Record<string, unknown>[], regions: readonly RegionEntry[]) {
  const known = new Set(regions.map((r) => r.code));
  const groups = new Map<string, number[]>();
  const errors: FormattedError[] = [];
  representations.forEach((representation, i) => {
    const code = regionOfId(representation?.id);
    if (code && known.has(code)) {
      const positions = groups.get(code) ?? [];
      positions.push(i);
      groups.set(code, positions);
      return;
    }
    errors.push({
      message: `Cannot fetch ${String(representation?.__typename)} ${quoteInput(representation?.id)}: expected an id starting with the owning region's code (one of ${[...known].join(', ')}), e.g. "JS:…"`,
      path: [ENTITIES, i],
      extensions: { code: UNKNOWN_REGION },
    });
  });
  return { groups, errors };
}

/** A region's error path `_entities.j…` names its j-th representation; the planner knows it as `positions[j]`. */
function toPlannerOrder(path: (string | number)[], positions: readonly number[]): (string | number)[] | undefined {
  if (path[0] !== ENTITIES || typeof path[1] !== 'number') return path;
  const at = positions[path[1]];
  return at === undefined ? undefined : [ENTITIES, at, ...path.slice(2)];
}

function entityAt(answer: RegionAnswer, i: number): unknown {
  const list = answer.answer?.data?.[ENTITIES];
  return Array.isArray(list) ? list[i] : undefined;
}

/** `person.records.@` + entity 3 → `person.records.3` (close enough for a conflict report). */
function entityPath(base: ResponsePath | undefined, i: number): ResponsePath {
  if (!base || base.length === 0) return [ENTITIES, i];
  return base[base.length - 1] === '@' ? [...base.slice(0, -1), i] : [...base];
}

/** A region contributed when it found at least one of the entities. */
function foundAny(data: Record<string, unknown>): boolean {
  const list = data[ENTITIES];
  return Array.isArray(list) && list.some((e) => e !== null && e !== undefined);
}

export function respond(data: Record<string, unknown>, errors: FormattedError[]): GatewayGraphQLResponse {
  return errors.length > 0 ? { data, errors } : { data };
}
