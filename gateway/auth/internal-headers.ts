/**
 * The gateway side of the internal token: the headers hook the region data sources
 * call for every subgraph request (`headers(region, body, context, part)`).
 *
 * It signs the request's own caller and purpose — never a gateway-wide identity — so
 * the region's rules and disclosure log see the officer who asked, and the token is
 * useless for any other body, endpoint or moment (see subgraphs/security/internal-token.ts).
 */
import type { GatewayContext } from '../context.ts';
import type { SigningKey } from '../../subgraphs/security/key-files.ts';
import { INTERNAL_TOKEN_HEADER, signInternalToken } from '../../subgraphs/security/internal-token.ts';
import type { AttestedPurpose } from './purpose.ts';

export type InternalHeadersHook = (
  region: { code: string },
  body: string,
  context: Partial<GatewayContext> | undefined,
  part?: string,
) => Record<string, string>;

export function internalTokenHeaders(key: SigningKey, ttlSeconds: number): InternalHeadersHook {
  return (region, body, context, part) => {
    if (!part) throw new Error(`internal token for region ${region.code}: the data source did not say which contract part (records, index, search) it is calling`);
    const caller = context?.caller;
    if (!caller) throw new Error(`internal token for ${region.code}/${part}: the request has no caller (authentication did not run)`);
    const token = signInternalToken(key, {
      region: region.code,
      part,
      body,
      caller,
      purpose: (context.purpose as AttestedPurpose | null | undefined) ?? null,
      requestId: context.requestId ?? '',
      ttlSeconds,
    });
    return { [INTERNAL_TOKEN_HEADER]: token, ...(context.requestId ? { 'x-request-id': context.requestId } : {}) };
  };
}
