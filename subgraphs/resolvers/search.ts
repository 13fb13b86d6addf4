/**
 * Resolvers of the **search** part: one page of this region's matches.
 *
 * Each edge carries the adapter's own cursor for its item (the gateway wraps the
 * regions' cursors into its composite cursor and resumes each region from the last
 * item it took). Nodes are key-only stubs; the gateway gathers their data from every
 * region through the index and records parts.
 */
import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper/resolverMap.js';
import { AdapterError, type Page, type PageRequest, type RegionAdapter } from '../../adapters/adapter.ts';
import type { SubgraphContext as Ctx } from '../context.ts';
import { caseFilter, pageSize, personFilter, regionAsked, vehicleFilter } from '../arguments.ts';
import { liandongId } from '../ids.ts';

interface SearchArgs<F> {
  filter: F;
  regions?: string[] | null;
  first?: number | null;
  after?: string | null;
}

interface Edge {
  cursor: string;
  node: object;
}
interface Connection {
  edges: Edge[];
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
  totalCount: number;
}

const EMPTY: Connection = { edges: [], pageInfo: { hasNextPage: false, endCursor: null }, totalCount: 0 };

function checkPage(region: string, method: string, page: Page<unknown>, first: number): void {
  if (page.items.length !== page.cursors.length || page.items.length > first) {
    throw new AdapterError(
      'BAD_SOURCE_DATA',
      region,
      `${method} returned ${page.items.length} items and ${page.cursors.length} cursors for first=${first}; expected equal counts, at most first`,
    );
  }
}

/**
 * Edges with one node per key. A run of items with the same key (one person with two
 * records here) becomes one edge whose cursor is the run's last, so resuming from it
 * repeats nothing; a repeat further away (adapters that cannot sort by key) is dropped
 * from this page.
 */
function toEdges<T>(page: Page<T>, keyOf: (item: T) => string, nodeOf: (key: string) => object): Edge[] {
  const edges: Edge[] = [];
  const seen = new Set<string>();
  let lastKey: string | undefined;
  page.items.forEach((item, i) => {
    const key = keyOf(item);
    if (key === lastKey) edges[edges.length - 1].cursor = page.cursors[i];
    else if (!seen.has(key)) edges.push({ cursor: page.cursors[i], node: nodeOf(key) });
    seen.add(key);
    lastKey = key;
  });
  return edges;
}

type SearchMethod = 'searchPersons' | 'searchCases' | 'searchVehicles';
type FilterOf<M extends SearchMethod> = Parameters<RegionAdapter[M]>[0];
type ItemOf<M extends SearchMethod> = Awaited<ReturnType<RegionAdapter[M]>>['items'][number];

/** A search root field: validate arguments, ask the adapter for one page, shape the connection. */
function searchField<M extends SearchMethod>(
  method: M,
  normaliseFilter: (filter: FilterOf<M>) => FilterOf<M>,
  keyOf: (item: ItemOf<M>, ctx: Ctx) => string,
  nodeOf: (key: string) => object,
) {
  return async (_root: unknown, args: SearchArgs<FilterOf<M>>, ctx: Ctx): Promise<Connection> => {
    const first = pageSize(args.first);
    const filter = normaliseFilter(args.filter);
    if (!regionAsked(args.regions, ctx.region)) return EMPTY;
    const request: PageRequest = { first, after: args.after ?? null };
    const search = ctx.adapter[method] as (f: FilterOf<M>, p: PageRequest) => Promise<Page<ItemOf<M>>>;
    const page = await search.call(ctx.adapter, filter, request);
    checkPage(ctx.region, method, page, first);
    const edges = toEdges(page, (item) => keyOf(item, ctx), nodeOf);
    return {
      edges,
      pageInfo: { hasNextPage: page.hasNextPage, endCursor: edges.at(-1)?.cursor ?? null },
      totalCount: page.totalCount,
    };
  };
}

export const searchResolvers: GraphQLResolverMap<Ctx> = {
  Query: {
    searchPersons: searchField(
      'searchPersons',
      personFilter,
      (person) => person.idNumber,
      (idNumber) => ({ idNumber }),
    ),
    searchCases: searchField(
      'searchCases',
      caseFilter,
      (record, ctx) => liandongId(ctx.region, record.id),
      (id) => ({ id }),
    ),
    searchVehicles: searchField(
      'searchVehicles',
      vehicleFilter,
      (vehicle) => vehicle.plate,
      (plate) => ({ plate }),
    ),
  },
};
