/**
 * The gateway's data sources: `createDataSource` is what ApolloGateway's
 * `buildService` calls for each subgraph of the supergraph.
 *
 * - `records` → RoutedDataSource (each id to its owning region)
 * - `index`   → FannedOutDataSource (every region, answers deep-merged)
 * - `search`  → SearchDataSource (every region, pages merged under a composite cursor)
 * - anything else → PlainDataSource (an ordinary subgraph at its own URL)
 *
 * A contract part is recognised by its `liandong-region://<part>` URL (see
 * ../compose.ts). The region clients (connections, caps, breakers) are shared by the
 * three regional data sources built with the same directory.
 */
import type { GraphQLDataSource } from '@apollo/gateway';
import { ephemeralSearchCursors, type CursorSealer } from '../../cursors/index.ts';
import { regionalPart } from '../compose.ts';
import { FannedOutDataSource } from './fanned-out-data-source.ts';
import type { RegionMembership } from './membership.ts';
import { contractPartSchema, type PartSchema } from './part-schema.ts';
import { PlainDataSource } from './plain-data-source.ts';
import type { RegionClientOptions } from './region-client.ts';
import { RegionClients } from './region-clients.ts';
import { RegionFetcher } from './region-fetch.ts';
import { RoutedDataSource } from './routed-data-source.ts';
import { SearchDataSource } from './search-data-source.ts';
import type {
  BatchHeadersHook,
  ContractPart,
  HeadersHook,
  RegionDirectory,
  RegionRequestCache,
  ReportLocator,
  RequestSealer,
} from './types.ts';

export interface DataSourceDeps {
  registry: RegionDirectory;
  /** Headers for each region request (e.g. the signed internal token). */
  headers?: HeadersHook;
  /** Headers for the requests of one fan-out at once (one internal token for all). */
  batchHeaders?: BatchHeadersHook;
  /** One-region requests signed as they leave, so concurrent ones may share an envelope (region-envelopes.ts). */
  sealer?: RequestSealer;
  /** Headers for each request to an ordinary subgraph. */
  plainHeaders?: (
    service: { name: string; url: string },
    body: string,
    context: unknown,
  ) => Record<string, string> | Promise<Record<string, string>>;
  /** Where to write region outcomes and merge conflicts; default `context.report`. */
  report?: ReportLocator;
  /** The part's schema; default: built from schema/contract. Tests pass their own. */
  partSchema?: (part: ContractPart) => PartSchema;
  /** Queue length and breaker fallback for the region clients. */
  client?: RegionClientOptions;
  /** Cache hook: the gateway's entity cache (gateway/cache), consulted by the region data sources. */
  cache?: RegionRequestCache | null;
  /** Partition of in-flight sharing for plain subgraphs; default `context.authorisationPartition`. */
  partition?: (context: unknown) => string;
  /**
   * Seals the search part's cursors. The gateway passes the one built from its key
   * directory and config (gateway/cursors), shared by its replicas; default: a random key
   * held by this process only (its cursors die with it).
   */
  cursors?: CursorSealer;
  /** The regions' membership filters (gateway/filters/): keyed index lookups skip regions that surely hold nothing. */
  membership?: RegionMembership | null;
}

const sharedClients = new WeakMap<RegionDirectory, RegionClients>();

/** The clients of a directory's regions, shared by every data source built for it. */
export function regionClients(deps: Pick<DataSourceDeps, 'registry' | 'client'>): RegionClients {
  let clients = sharedClients.get(deps.registry);
  if (!clients) sharedClients.set(deps.registry, (clients = new RegionClients(deps.registry, deps.client)));
  return clients;
}

/** Closes the region connections built for `registry` (at shutdown). */
export async function closeRegionClients(registry: RegionDirectory): Promise<void> {
  await sharedClients.get(registry)?.close();
  sharedClients.delete(registry);
}

export function createDataSource(service: { name: string; url?: string }, deps: DataSourceDeps): GraphQLDataSource {
  const part = regionalPart(service.url);
  if (!part) {
    if (!service.url)
      throw new Error(
        `subgraph ${service.name}: no url in the supergraph, and it is not a contract part (liandong-region://records|index|search)`,
      );
    return new PlainDataSource({
      name: service.name,
      url: service.url,
      partition: deps.partition,
      headers: deps.plainHeaders
        ? (body, context) => deps.plainHeaders!({ name: service.name, url: service.url! }, body, context)
        : undefined,
    });
  }
  const fetcher = new RegionFetcher(regionClients(deps), part, service.name, {
    headers: deps.headers,
    batchHeaders: deps.batchHeaders,
    sealer: deps.sealer,
    report: deps.report,
    cache: deps.cache,
  });
  const schema = () => (deps.partSchema ?? contractPartSchema)(part);
  switch (part) {
    case 'records':
      return new RoutedDataSource(fetcher);
    case 'index':
      return new FannedOutDataSource(fetcher, schema(), deps.membership ?? null);
    case 'search':
      return new SearchDataSource(fetcher, schema(), deps.cursors ?? ephemeralSearchCursors());
  }
}

export { PlainDataSource, RoutedDataSource, FannedOutDataSource, SearchDataSource, RegionClients };
export type {
  RegionDirectory,
  RegionEntry,
  HeadersHook,
  BatchHeadersHook,
  ReportLocator,
  ContractPart,
  RequestSealer,
} from './types.ts';
export type { PartSchema } from './part-schema.ts';
export type { RegionMembership } from './membership.ts';
