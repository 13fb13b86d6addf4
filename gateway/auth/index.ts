/**
 * Everything authentication and purpose add to the gateway, built once at start-up,
 * for gateway/plugins/index.ts to put into its lists:
 *
 *   const security = await gatewaySecurity({ mode, allowAnonymous, auth, registry });
 *   contextHooks: [...security.contextHooks, …authorisation…]
 *   plugins:      [...security.plugins, …]
 *   subgraphHeaders: security.subgraphHeaders
 *
 * Order inside `contextHooks` matters and is fixed here: authentication (who) before
 * purpose (why, and which case-bound scopes count).
 */
import type { ApolloServerPlugin } from '@apollo/server';
import type { Caller, GatewayContext, Purpose } from '../context.ts';
import type { ContextHook } from '../http/context.ts';
import type { Mode } from '../config/section.ts';
import { loadPolicy, type Policy } from '../../schema/policy.ts';
import { loadInternalSigningKey } from '../../common/security/internal-keys.ts';
import type { SigningKey } from '../../common/security/key-files.ts';
import { setUpAuthentication } from './authentication-plugin.ts';
import { purposeContextHook, purposePlugin } from './purpose-plugin.ts';
import { caseBoundScopeNote } from './purpose.ts';
import { createCaseLookup } from './case-lookup.ts';
import type { AuthConfig } from './config.ts';
import {
  internalTokenBatchHeaders,
  internalTokenHeaders,
  internalTokenSealer,
  type InternalBatchHeadersHook,
  type InternalHeadersHook,
  type InternalTokenSealer,
} from './internal-headers.ts';

export interface GatewaySecuritySettings {
  mode: Mode;
  allowAnonymous: boolean;
  auth: AuthConfig;
  /** Where a region's records endpoint is (the case named in X-Purpose is looked up there). */
  registry: { region(code: string): { endpoints: { records: string } } | undefined };
}

export interface GatewaySecurity {
  policy: Policy;
  contextHooks: ContextHook[];
  plugins: ApolloServerPlugin<GatewayContext>[];
  /** The data sources' headers hook: `(region, body, context, part)` → the signed internal token. */
  subgraphHeaders: InternalHeadersHook;
  /** The same for the requests of one fan-out: one signature, a binding per region. */
  subgraphBatchHeaders: InternalBatchHeadersHook;
  /** The token of a one-region request signed as it leaves, alone or in an envelope with others. */
  subgraphSealer: InternalTokenSealer;
  internalKey: SigningKey;
  /** For authorisation's denials: why a case-bound scope the caller's roles grant was not counted. */
  explainScope: (scope: string, caller: Caller, purpose: Purpose | null) => { text: string; reason?: string } | null;
}

export async function gatewaySecurity(settings: GatewaySecuritySettings): Promise<GatewaySecurity> {
  const { auth, registry } = settings;
  const policy = loadPolicy(auth.policyFile);
  const authentication = await setUpAuthentication({ ...settings, policy });
  const internalKey = await loadInternalSigningKey(auth.keysDir);
  const subgraphHeaders = internalTokenHeaders(internalKey, auth.internalTokenTtlSeconds);
  const findCase = createCaseLookup({ recordsEndpoint: (code) => registry.region(code)?.endpoints.records, headers: subgraphHeaders });
  return {
    policy,
    contextHooks: [authentication.contextHook, purposeContextHook({ policy, findCase })],
    plugins: [authentication.plugin, purposePlugin(policy)],
    subgraphHeaders,
    subgraphBatchHeaders: internalTokenBatchHeaders(internalKey, auth.internalTokenTtlSeconds),
    subgraphSealer: internalTokenSealer(internalKey, auth.internalTokenTtlSeconds),
    internalKey,
    explainScope: (scope, caller, purpose) => caseBoundScopeNote(policy, scope, caller, purpose),
  };
}
