/**
 * Everything a regional subgraph process adds for security, for subgraphs/main.ts:
 *
 *   const security = subgraphSecurity({ region: 'JS', gatewayJwksFile: '.data/keys/internal-gateway.jwks.json' });
 *   createSubgraphServer({ adapter, ...security });
 *
 * - `requestGuard`: only requests carrying the gateway's internal token get through,
 *   and the verified caller and purpose join the context (`caller`, `purpose`,
 *   `gatewayRequestId`);
 * - `schemaTransform`: the graphql-shield rules generated from the contract's marks and
 *   the policy file; throws at start-up if a sensitive field has no rule.
 */
import { loadPolicy, DEFAULT_POLICY_FILE } from '../../schema/policy.ts';
import type { RequestGuard, SchemaTransform } from '../server.ts';
import { createRequestGuard } from './request-guard.ts';
import { dataRulesTransform, type RuleLogger } from './shield.ts';

export interface SubgraphSecuritySettings {
  region: string;
  /** The gateway's internal public keys (the gateway writes `.data/keys/internal-gateway.jwks.json`). */
  gatewayJwksFile: string;
  policyFile?: string;
  logger?: RuleLogger;
}

export function subgraphSecurity(settings: SubgraphSecuritySettings): { requestGuard: RequestGuard; schemaTransform: SchemaTransform } {
  const policy = loadPolicy(settings.policyFile ?? DEFAULT_POLICY_FILE);
  return {
    requestGuard: createRequestGuard({ region: settings.region, gatewayJwksFile: settings.gatewayJwksFile }),
    schemaTransform: dataRulesTransform(policy, settings.logger),
  };
}

export { INTERNAL_TOKEN_HEADER } from '../../common/security/internal-token.ts';
export type { GuardedContext } from './request-guard.ts';
