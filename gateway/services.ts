/**
 * What the gateway's parts are built from. Plugins, context hooks, own-subgraph modules
 * and data sources receive these rather than reaching for globals, so a test can start
 * several gateways in one process.
 */
import type { Logger } from 'pino';
import type { GatewayConfig } from './config/sections.ts';
import type { PreparedSupergraph } from './federation/supergraph.ts';
import type { RegionRegistry } from './registry/registry.ts';

/** Available before the supergraph exists (own-subgraph modules are built from these). */
export interface GatewayServices {
  config: GatewayConfig;
  registry: RegionRegistry;
  logger: Logger;
}

/** Everything, once the supergraph is composed: what plugins and data sources get. */
export interface GatewayRuntime extends GatewayServices {
  /** The supergraph with its authorisation requirements (the gateway runs the stripped SDL). */
  supergraph: PreparedSupergraph;
}
