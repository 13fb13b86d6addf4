/**
 * The gateway → subgraph internal token: a short-lived EdDSA JWT bound to one request.
 *
 * A subgraph trusts nothing a caller says about itself; it trusts the gateway's
 * signature. The token carries who asked (identity, roles, scopes), why (purpose, with
 * the parties of the named case when the gateway looked it up) and the audit id, and is
 * bound to exactly one request:
 * - `aud` = region code and contract part (`JS/records`): useless at another endpoint;
 * - `bh` = SHA-256 of the exact request body: useless with another query or variables;
 * - `jti` unique, remembered by the subgraph until expiry: useless a second time;
 * - `exp` seconds away: useless later.
 * Signing uses node:crypto directly (synchronous, ~50 µs), so the gateway's data
 * sources can add the header in a synchronous hook and no await sits on the hot path.
 */
import { createHash, randomUUID, sign } from 'node:crypto';
import { jwtVerify, type JWTVerifyGetKey } from 'jose';
import type { SigningKey } from './key-files.ts';

export const INTERNAL_TOKEN_HEADER = 'x-liandong-internal-token';
export const INTERNAL_ISSUER = 'liandong-gateway';

/** The caller as the gateway authenticated it; what graphql-shield rules see. */
export interface InternalCaller {
  sub: string;
  name: string;
  region: string;
  roles: string[];
  scopes: string[];
  anonymous: boolean;
}

export interface InternalPurpose {
  code: string;
  text: string;
  caseRef: string | null;
  /** Parties of the named case, as the owning region reported them to the gateway. */
  caseParties?: string[];
}

export interface InternalClaims {
  caller: InternalCaller;
  purpose: InternalPurpose | null;
  /** The gateway's request (and audit) id. */
  requestId: string;
  jti: string;
  /** Expiry, seconds since the epoch. */
  exp: number;
}

export interface SignRequest {
  region: string;
  part: string;
  /** The exact body that will be sent (a string is hashed as UTF-8). */
  body: string | Uint8Array;
  caller: { sub: string; name: string; region: string; roles: readonly string[]; scopes: Iterable<string>; anonymous: boolean };
  purpose: { code: string; text: string; caseRef: string | null; caseParties?: readonly string[] } | null;
  requestId: string;
  ttlSeconds: number;
}

export function internalAudience(region: string, part: string): string {
  return `${region}/${part}`;
}

export function bodyHash(body: string | Uint8Array): string {
  return createHash('sha256').update(body).digest('base64url');
}

export function signInternalToken(key: SigningKey, request: SignRequest): string {
  const now = Math.floor(Date.now() / 1000);
  const header = { alg: 'EdDSA', typ: 'JWT', kid: key.kid };
  const payload = {
    iss: INTERNAL_ISSUER,
    aud: internalAudience(request.region, request.part),
    sub: request.caller.sub,
    iat: now,
    exp: now + request.ttlSeconds,
    jti: randomUUID(),
    bh: bodyHash(request.body),
    rid: request.requestId,
    caller: { ...request.caller, roles: [...request.caller.roles], scopes: [...request.caller.scopes] },
    purpose: request.purpose && { ...request.purpose, caseParties: request.purpose.caseParties && [...request.purpose.caseParties] },
  };
  const signingInput = `${encode(header)}.${encode(payload)}`;
  const signature = sign(null, Buffer.from(signingInput), key.privateKey).toString('base64url');
  return `${signingInput}.${signature}`;
}

function encode(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

export type InternalTokenFailure =
  | 'missing-token' | 'bad-signature' | 'expired' | 'wrong-audience' | 'body-mismatch' | 'replayed' | 'malformed';

export class InternalTokenError extends Error {
  constructor(readonly reason: InternalTokenFailure, message: string) {
    super(message);
    this.name = 'InternalTokenError';
  }
}

export interface VerifyRequest {
  keys: JWTVerifyGetKey;
  audience: string;
  body: string | Uint8Array;
  clockToleranceSeconds: number;
}

/** Checks signature, issuer, audience, expiry and body binding; replay is the guard's job. */
export async function verifyInternalToken(token: string, request: VerifyRequest): Promise<InternalClaims> {
  let payload: Record<string, unknown>;
  try {
    ({ payload } = await jwtVerify(token, request.keys, {
      issuer: INTERNAL_ISSUER,
      audience: request.audience,
      algorithms: ['EdDSA'],
      clockTolerance: request.clockToleranceSeconds,
      requiredClaims: ['exp', 'jti', 'iat'],
    }));
  } catch (error) {
    throw translate(error as Error & { code?: string; claim?: string }, request.audience);
  }
  if (payload.bh !== bodyHash(request.body)) {
    throw new InternalTokenError('body-mismatch', 'internal token was issued for a different request body');
  }
  return claimsOf(payload);
}

function translate(error: Error & { code?: string; claim?: string }, audience: string): InternalTokenError {
  switch (error.code) {
    case 'ERR_JWT_EXPIRED': return new InternalTokenError('expired', 'internal token has expired');
    case 'ERR_JWT_CLAIM_VALIDATION_FAILED':
      if (error.claim === 'aud') return new InternalTokenError('wrong-audience', `internal token is not addressed to ${audience}`);
      return new InternalTokenError('malformed', `internal token claim "${error.claim}" is invalid: ${error.message}`);
    case 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED':
    case 'ERR_JWKS_NO_MATCHING_KEY':
    case 'ERR_JOSE_ALG_NOT_ALLOWED':
      return new InternalTokenError('bad-signature', 'internal token is not signed by the gateway key this subgraph trusts');
    default: return new InternalTokenError('malformed', `internal token is malformed: ${error.message}`);
  }
}

function claimsOf(payload: Record<string, unknown>): InternalClaims {
  const caller = payload.caller as InternalCaller | undefined;
  if (!caller || typeof caller.sub !== 'string' || !Array.isArray(caller.scopes) || !Array.isArray(caller.roles)) {
    throw new InternalTokenError('malformed', 'internal token carries no caller');
  }
  return {
    caller,
    purpose: (payload.purpose as InternalPurpose | null | undefined) ?? null,
    requestId: String(payload.rid ?? ''),
    jti: payload.jti as string,
    exp: payload.exp as number,
  };
}
