/**
 * The gateway side of the internal token: the headers hook the region data sources
 * call for every subgraph request (`headers(region, body, context, part)`).
 *
 * It signs the request's own caller and purpose — never a gateway-wide identity — so
 * the region's rules and disclosure log see the officer who asked, and the token is
 * useless for any other body, endpoint or moment (see common/security/internal-token.ts).
 */
import type { GatewayContext } from '../context.ts';
import type { SigningKey } from '../../common/security/key-files.ts';
import {
  INTERNAL_BINDING_HEADER,
  INTERNAL_ENVELOPE_HEADER,
  INTERNAL_TOKEN_HEADER,
  MAX_BATCH,
  prepareInternalToken,
  sealInternalToken,
  signInternalBatch,
  signInternalEnvelope,
  signInternalToken,
} from '../../common/security/internal-token.ts';
import type { AttestedPurpose } from './purpose.ts';

export type InternalHeadersHook = (
  region: { code: string },
  body: string,
  context: Partial<GatewayContext> | undefined,
  part?: string,
) => Record<string, string>;

export function internalTokenHeaders(key: SigningKey, ttlSeconds: number): InternalHeadersHook {
  return (region, body, context, part) => {
    const token = signInternalToken(key, { ...signedFor(context, part, () => region.code), region: region.code, body, ttlSeconds });
    return { [INTERNAL_TOKEN_HEADER]: token, ...requestIdHeader(context) };
  };
}

/**
 * The same token signed late (the data sources' RequestSealer): `prepare` fixes the
 * claims when the request is made, the signature comes when it leaves — alone, or once
 * for an envelope of requests to one region (gateway/federation/data-sources/region-envelopes.ts).
 */
export interface InternalTokenSealer {
  prepare(
    region: { code: string },
    body: string,
    context: Partial<GatewayContext> | undefined,
    part: string,
  ): { body: string; prepared: string; headers: Record<string, string> };
  seal(prepared: string): Record<string, string>;
  sealEnvelope(region: string, part: string, prepared: readonly string[]): Record<string, string>;
}

export function internalTokenSealer(key: SigningKey, ttlSeconds: number): InternalTokenSealer {
  return {
    prepare: (region, body, context, part) => ({
      body,
      prepared: prepareInternalToken(key, { ...signedFor(context, part, () => region.code), region: region.code, body, ttlSeconds }),
      headers: requestIdHeader(context),
    }),
    seal: (prepared) => ({ [INTERNAL_TOKEN_HEADER]: sealInternalToken(key, prepared) }),
    sealEnvelope: (region, part, prepared) => ({
      [INTERNAL_ENVELOPE_HEADER]: signInternalEnvelope(key, { region, part, prepared, ttlSeconds }),
    }),
  };
}

/** Headers for the requests of one fan-out, in order: one signature per up to MAX_BATCH regions. */
export type InternalBatchHeadersHook = (
  requests: readonly { region: { code: string }; body: string }[],
  context: Partial<GatewayContext> | undefined,
  part: string,
) => Record<string, string>[];

export function internalTokenBatchHeaders(key: SigningKey, ttlSeconds: number): InternalBatchHeadersHook {
  return (requests, context, part) => {
    const headers: Record<string, string>[] = [];
    for (let from = 0; from < requests.length; from += MAX_BATCH) {
      const chunk = requests.slice(from, from + MAX_BATCH);
      const signed = signInternalBatch(key, {
        ...signedFor(context, part, () => chunk.map((r) => r.region.code).join(',')),
        requests: chunk.map((r) => ({ region: r.region.code, body: r.body })),
        ttlSeconds,
      });
      for (const binding of signed.bindings) {
        headers.push({ [INTERNAL_TOKEN_HEADER]: signed.token, [INTERNAL_BINDING_HEADER]: binding, ...requestIdHeader(context) });
      }
    }
    return headers;
  };
}

/** Who asks and why, from the request's own context — never a gateway-wide identity. `regions` names them in an error only. */
function signedFor(context: Partial<GatewayContext> | undefined, part: string | undefined, regions: () => string) {
  if (!part)
    throw new Error(
      `internal token for region ${regions()}: the data source did not say which contract part (records, index, search) it is calling`,
    );
  const caller = context?.caller;
  if (!caller) throw new Error(`internal token for ${regions()}/${part}: the request has no caller (authentication did not run)`);
  return { part, caller, purpose: (context.purpose as AttestedPurpose | null | undefined) ?? null, requestId: context.requestId ?? '' };
}

function requestIdHeader(context: Partial<GatewayContext> | undefined): Record<string, string> {
  return context?.requestId ? { 'x-request-id': context.requestId } : {};
}
