/**
 * One search root field across regions: what is added to the operation so the pages can
 * be merged, and how the regions' connections become the client's connection.
 *
 * The fields the merge needs are added under private aliases (`_ld_edges`,
 * `_ld_pageInfo`, `_ld_totalCount`), whatever the client selected (or aliased);
 * the client's own selections are then filled from the merged page.
 */
import type { FieldNode, SelectionSetNode } from 'graphql';
import type { UnderstoodOperation } from '../../../common/operations/understood.ts';
import type { CompositePosition } from '../../cursors/composite-position.ts';
import { mergePages, type EdgeRef, type MergedEdge, type MergedPage, type RegionPage } from '../merge/connection-merge.ts';
import type { RegionMerger, RegionValue } from '../merge/deep-merge.ts';
import { field, selectionSet } from './inject-keys.ts';
import { responseKey } from './operation.ts';

const EDGES = '_ld_edges';
const PAGE_INFO = '_ld_pageInfo';
const TOTAL = '_ld_totalCount';

/** The field with the merge's own selections added. */
export function withMergeSelections(original: FieldNode, nodeKeyFields: readonly string[]): FieldNode {
  const node = field('node', undefined, selectionSet(field('__typename'), ...nodeKeyFields.map((name) => field(name))));
  const added = [
    field('edges', EDGES, selectionSet(field('cursor'), node)),
    field('pageInfo', PAGE_INFO, selectionSet(field('hasNextPage'), field('endCursor'))),
    field('totalCount', TOTAL),
  ];
  const selections = [...(original.selectionSet?.selections ?? []), ...added];
  return { ...original, selectionSet: { kind: original.selectionSet?.kind ?? ('SelectionSet' as SelectionSetNode['kind']), selections } };
}

export interface ConnectionInput {
  /** The field as the planner wrote it (the client's selections). */
  original: FieldNode;
  /** The fetch's operation as understood once (its fragments expand the client's selections). */
  understood: UnderstoodOperation;
  nodeKeyFields: readonly string[];
  incoming: CompositePosition;
  /** The last node key emitted on earlier pages (from the `after` cursor; null on the first page). */
  incomingKey: string | null;
  first: number;
  /** The regions asked for this page (none when every region was exhausted by the `after` cursor). */
  asked: readonly string[];
  /** The connection type's name (for `__typename` when no region was asked). */
  typename: string;
  /** Seals a position into the cursor a client gets (gateway/cursors/sealed-cursor.ts). */
  seal: (position: CompositePosition, lastKey: string | null) => string;
}

/** Whether a region's answer holds at least one edge (a hit). */
export function hasEdges(value: unknown): boolean {
  const edges = (value as Record<string, unknown> | null)?.[EDGES];
  return Array.isArray(edges) && edges.length > 0;
}

export function combineConnection(
  input: ConnectionInput,
  values: RegionValue[],
  merger: RegionMerger,
): { value: unknown; page: MergedPage | null } {
  const answered = values.filter((v): v is { region: string; value: Record<string, unknown> } => isObject(v.value));
  // Nothing asked (an `after` past the last item of every region): the page after the
  // end is an empty page, not a missing one. Asked but nobody answered: null, beside the
  // regions' own errors.
  if (answered.length === 0 && input.asked.length > 0) return { value: null, page: null };
  const byRegion = new Map(answered.map((v) => [v.region, v.value]));
  const pages = answered.map((v) => regionPage(v.region, v.value, input.nodeKeyFields));
  const merged = mergePages(pages, input.incoming, input.first, input.incomingKey);
  const projector = new ConnectionProjector(input, byRegion, merged, merger);
  return { value: projector.connection(), page: merged };
}

/**
 * A region's error under one of its edges (`search.edges.3.node…`) moved to that edge's
 * place in the merged page; errors about edges not taken into this page are dropped
 * (those items come again, with their errors, on a later page).
 */
export function mergedErrorPath(
  original: FieldNode,
  understood: UnderstoodOperation,
  page: MergedPage | null,
  path: (string | number)[],
  region: string,
): (string | number)[] | null {
  const edgesKeys = (original.selectionSet ? understood.fieldsOf(original.selectionSet) : [])
    .filter((f) => f.name.value === 'edges')
    .map(responseKey);
  const [key, list, index, ...rest] = path;
  if (typeof list !== 'string' || typeof index !== 'number') return path;
  if (list.startsWith('_ld_')) return null;
  if (!edgesKeys.includes(list) || !page) return [key];
  const at = page.edges.findIndex((e) => [e.from, ...e.duplicates].some((ref) => ref.region === region && ref.index === index));
  return at < 0 ? null : [key, list, at, ...rest];
}

function regionPage(region: string, value: Record<string, unknown>, keyFields: readonly string[]): RegionPage {
  const edges = (value[EDGES] ?? []) as { cursor: string; node: Record<string, unknown> | null }[];
  const pageInfo = (value[PAGE_INFO] ?? {}) as { hasNextPage?: boolean };
  return {
    region,
    keys: edges.map((edge) => nodeKey(edge.node, keyFields)),
    cursors: edges.map((edge) => edge.cursor),
    hasNextPage: pageInfo.hasNextPage === true,
  };
}

/** Fills the client's selections of the connection from the merged page. */
class ConnectionProjector {
  constructor(
    private readonly input: ConnectionInput,
    private readonly byRegion: Map<string, Record<string, unknown>>,
    private readonly page: MergedPage,
    private readonly merger: RegionMerger,
  ) {}

  connection(): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (const sub of this.subFields(this.input.original.selectionSet)) {
      const key = responseKey(sub);
      switch (sub.name.value) {
        case 'edges':
          out[key] = this.page.edges.map((edge, i) => this.edge(edge, i, sub));
          break;
        case 'pageInfo':
          out[key] = this.pageInfo(sub);
          break;
        case 'totalCount':
          out[key] = this.sum(TOTAL);
          break;
        case '__typename':
          out[key] = this.firstValue((v) => v[key]) ?? this.input.typename;
          break;
        default:
          out[key] = this.firstValue((v) => v[key]);
      }
    }
    return out;
  }

  private edge(edge: MergedEdge, position: number, edgesField: FieldNode): Record<string, unknown> {
    const listKey = responseKey(edgesField);
    const base = this.regionEdge(edge.from, listKey) ?? {};
    const out: Record<string, unknown> = { ...base };
    for (const sub of this.subFields(edgesField.selectionSet)) {
      const key = responseKey(sub);
      if (sub.name.value === 'cursor') out[key] = this.input.seal(edge.position, edge.key);
      if (sub.name.value === 'node') {
        const refs = [edge.from, ...edge.duplicates];
        const path = [responseKey(this.input.original), listKey, position, key];
        out[key] = this.merger.mergeAll(
          refs.map((ref) => ({ region: ref.region, value: this.regionEdge(ref, listKey)?.[key] })),
          path,
        );
      }
    }
    return out;
  }

  private pageInfo(pageInfoField: FieldNode): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (const sub of this.subFields(pageInfoField.selectionSet)) {
      const key = responseKey(sub);
      if (sub.name.value === 'hasNextPage') out[key] = this.page.hasNextPage;
      else if (sub.name.value === 'endCursor') out[key] = this.endCursor();
      else if (sub.name.value === '__typename') out[key] = 'PageInfo';
    }
    return out;
  }

  /** The last edge's position; with no edge, the incoming one (with newly exhausted regions) if more may follow. */
  private endCursor(): string | null {
    const last = this.page.edges.at(-1);
    if (last) return this.input.seal(last.position, last.key);
    return this.page.hasNextPage ? this.input.seal(this.page.end, this.page.lastKey) : null;
  }

  private regionEdge(ref: EdgeRef, listKey: string): Record<string, unknown> | undefined {
    const list = this.byRegion.get(ref.region)?.[listKey];
    return Array.isArray(list) ? (list[ref.index] as Record<string, unknown>) : undefined;
  }

  private sum(key: string): number {
    let total = 0;
    for (const value of this.byRegion.values()) total += typeof value[key] === 'number' ? (value[key] as number) : 0;
    return total;
  }

  private firstValue(pick: (value: Record<string, unknown>) => unknown): unknown {
    for (const value of this.byRegion.values()) {
      const picked = pick(value);
      if (picked !== undefined) return picked;
    }
    return null;
  }

  private subFields(set: SelectionSetNode | undefined): readonly FieldNode[] {
    return set ? this.input.understood.fieldsOf(set) : [];
  }
}

/** Regions sort by the plain key; compound keys (none in the contract) compare by their JSON. */
function nodeKey(node: Record<string, unknown> | null, keyFields: readonly string[]): string {
  const values = keyFields.map((k) => node?.[k] ?? null);
  return values.length === 1 ? String(values[0]) : JSON.stringify(values);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
