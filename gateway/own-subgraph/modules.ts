/**
 * The list of the gateway's own subgraph modules. A feature that adds root fields to the
 * graph (audit queries…) appends its module here.
 */
import type { GatewayServices } from '../services.ts';
import type { OwnSubgraphModule } from './module.ts';
import { regionsModule } from './regions.ts';
import { auditGraphModule } from '../audit/index.ts';
import { liveModule } from '../live/schema.ts';

export function ownSubgraphModules(services: GatewayServices): OwnSubgraphModule[] {
  return [regionsModule(services.registry), auditGraphModule(services), liveModule()];
}
