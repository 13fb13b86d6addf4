/**
 * Which data source serves each subgraph of the supergraph (@apollo/gateway's
 * `buildService`): the gateway's own subgraph runs in-process; every other subgraph —
 * a regional contract part (`liandong-region://records` …) or an ordinary remote
 * subgraph — gets the data source that data-sources/index.ts picks for its URL.
 */
import { LocalGraphQLDataSource, type GraphQLDataSource } from '@apollo/gateway';
import type { GraphQLSchema } from 'graphql';
import { OWN_SUBGRAPH_URL } from '../own-subgraph/module.ts';
import type { GatewayRuntime } from '../services.ts';
import { createDataSource, type HeadersHook } from './data-sources/index.ts';
import type { RegionRequestCache } from '../cache/entity-cache.ts';

export interface ServiceDefinition {
  name: string;
  url?: string;
}

export type ServiceFactory = (service: ServiceDefinition) => GraphQLDataSource;

export function serviceBuilder(runtime: GatewayRuntime, ownSchema: GraphQLSchema | null, headers?: HeadersHook, cache?: RegionRequestCache | null): ServiceFactory {
  return (service) => {
    if (service.url === OWN_SUBGRAPH_URL) {
      if (!ownSchema) throw new Error(`subgraph "${service.name}" is the gateway's own (${service.url}) but no own subgraph was built`);
      return new LocalGraphQLDataSource(ownSchema);
    }
    return createDataSource(service, { registry: runtime.registry, headers, cache });
  };
}
