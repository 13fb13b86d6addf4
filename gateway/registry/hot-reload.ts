/**
 * Hot registration, wired once by the gateway at start: watch the region registry file,
 * check every newly registered region against the contract, and log what happened.
 *
 *   const stop = startHotReload(registry, logger, extensions.subgraphHeaders);
 *
 * An invalid file is refused with the validator's message (which names the bad setting)
 * and the previous regions stay in force; a region whose served schema differs from the
 * contract is logged with the differing types and fields and shown on /readyz as refused.
 */
import type { Logger } from 'pino';
import type { Caller, GatewayContext } from '../context.ts';
import type { HeadersHook } from '../federation/data-sources/types.ts';
import { contractCheck, type CheckHeaders } from './contract-check.ts';
import type { RegionRegistry, ReloadResult } from './registry.ts';

/**
 * Who the contract check's requests are signed as: the gateway itself, with no roles
 * and no scopes. `_service` needs none, and a region's disclosure log can tell these
 * requests apart from any officer's.
 */
export const CONTRACT_CHECK_CALLER: Caller = {
  sub: 'liandong-gateway:contract-check',
  name: 'Liandong gateway (contract check of a newly registered region)',
  region: 'GATEWAY',
  roles: [],
  scopes: new Set(),
  anonymous: false,
};

/** The data sources' headers hook (the signed internal token) as the check's headers. */
export function checkHeaders(hook: HeadersHook): CheckHeaders {
  const context: Partial<GatewayContext> = { caller: CONTRACT_CHECK_CALLER, purpose: null, requestId: 'contract-check' };
  return (region, body, part) => hook(region, body, context, part);
}

export function logReload(logger: Logger, registry: RegionRegistry, result: ReloadResult): void {
  if (!result.ok) {
    logger.error({ err: result.error }, `region registry not reloaded; keeping the previous regions: ${result.error.message}`);
    return;
  }
  for (const refused of result.refused ?? []) {
    logger.error({ region: refused.code, url: refused.url }, refused.detail);
  }
  if (result.changed) logger.info({ regions: registry.regions().map((r) => r.code) }, 'region registry reloaded');
}

/** Starts watching; returns the function that stops. */
export function startHotReload(registry: RegionRegistry, logger: Logger, headers?: HeadersHook): () => void {
  registry.admitWith(contractCheck({ headers: headers && checkHeaders(headers) }));
  return registry.watch((result) => logReload(logger, registry, result));
}
