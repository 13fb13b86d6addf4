/**
 * Which data source serves each subgraph of the supergraph (@apollo/gateway's
 * `buildService`): the gateway's own subgraph runs in-process; every other subgraph —
 * a regional contract part (`liandong-region://records` …) or an ordinary remote
 * subgraph — gets the data source that data-sources/index.ts picks for its URL.
 *
 * Only the routed and fanned-out contract parts answer through the entity cache, which
 * vouches for an answer's freshness; a fetch from any other subgraph (the gateway's own,
 * a search, an ordinary subgraph) keeps its whole response out of the response cache.
 */
import { LocalGraphQLDataSource, type GraphQLDataSource } from '@apollo/gateway';
import { regionalPart } from './compose.ts';
import type { GraphQLSchema } from 'graphql';
import { OWN_SUBGRAPH_URL } from '../own-subgraph/module.ts';
import type { GatewayRuntime } from '../services.ts';
import {
  createDataSource,
  type BatchHeadersHook,
  type HeadersHook,
  type RegionMembership,
  type RequestSealer,
} from './data-sources/index.ts';
import type { RegionRequestCache } from './data-sources/types.ts';
import { searchCursors } from '../cursors/index.ts';

export interface ServiceDefinition {
  name: string;
  url?: string;
}

export type ServiceFactory = (service: ServiceDefinition) => GraphQLDataSource;

export interface RegionHeaders {
  /** One region request. */
  headers?: HeadersHook;
  /** The requests of one fan-out. */
  batchHeaders?: BatchHeadersHook;
  /** One-region requests, signed as they leave (alone or in an envelope). */
  sealer?: RequestSealer;
}

export function serviceBuilder(
  runtime: GatewayRuntime,
  ownSchema: GraphQLSchema | null,
  signing: RegionHeaders = {},
  cache?: RegionRequestCache | null,
  membership?: RegionMembership | null,
): ServiceFactory {
  // One sealer for the gateway's life (the key file is read once, at start-up).
  const cursors = searchCursors(runtime.config);
  return (service) => {
    if (service.url === OWN_SUBGRAPH_URL) {
      if (!ownSchema) throw new Error(`subgraph "${service.name}" is the gateway's own (${service.url}) but no own subgraph was built`);
      return notCacheable(new LocalGraphQLDataSource(ownSchema), cache, `subgraph ${service.name} is the gateway's own`);
    }
    const source = createDataSource(service, {
      registry: runtime.registry,
      ...signing,
      cache,
      cursors,
      membership,
      // Callers see a region's code and a stable reason; the address stays in this log.
      client: { logFailure: (failure) => runtime.logger.warn(failure, 'region request failed') },
    });
    const part = regionalPart(service.url);
    return part === 'records' || part === 'index'
      ? source
      : notCacheable(source, cache, `subgraph ${service.name} is not answered through the entity cache`);
  };
}

/** The data source, marking any response it contributes to as not for the response cache. */
function notCacheable(source: GraphQLDataSource, cache: RegionRequestCache | null | undefined, reason: string): GraphQLDataSource {
  if (!cache) return source;
  return {
    process(options) {
      cache.bypassed(options.context, reason);
      return source.process(options);
    },
  };
}
