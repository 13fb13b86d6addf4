/**
 * GET /healthz (the process is alive) and GET /readyz (the gateway can answer: at least
 * one region's subgraph is up). Load balancers route on /readyz; each region's state is
 * in the body for the operator.
 */
import type { ServerResponse } from 'node:http';
import type { RegionRegistry } from '../registry/registry.ts';
import { sendJson } from '../../common/http/respond.ts';

export function healthz(res: ServerResponse): void {
  sendJson(res, 200, { status: 'ok' });
}

export async function readyz(res: ServerResponse, registry: RegionRegistry, auditReady: () => boolean = () => true): Promise<void> {
  const regions = await registry.view({ fresh: true });
  // A gateway with no regional subgraphs (a plain --supergraph) is ready once it listens.
  const regionsReady = regions.length === 0 || regions.some((r) => r.state === 'up');
  // Never answer without an audit record: a gateway whose audit sink refuses writes takes no traffic.
  const audit = auditReady() ? 'ok' : 'unavailable';
  const ready = regionsReady && audit === 'ok';
  sendJson(res, ready ? 200 : 503, {
    status: ready ? 'ready' : 'unavailable',
    audit,
    regions: regions.map(({ code, name, state, latencyMs, checkedAt, detail }) => ({ code, name, state, latencyMs, checkedAt, detail })),
    // Registered but kept out of service by the contract check (gateway/registry/contract-check.ts).
    refused: registry.refusedRegions(),
  });
}
