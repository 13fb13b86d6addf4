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
 * Signing and verifying use node:crypto directly (synchronous, ~30 µs and ~90 µs), so
 * the gateway's data sources add the header in a synchronous hook and no await sits on
 * the hot path of either side.
 *
 * A fan-out (one fetch sent to many regions) is signed once, not once per region
 * (`signInternalBatch`): the token lists every audience and, instead of one body hash,
 * one commitment per region, SHA-256(audience, nonce, body hash), with a fresh random
 * nonce each. A region receives the token and only its own `index.nonce` (header
 * `x-liandong-internal-binding`): it can check its own body against its own commitment,
 * but learns nothing that would let the token pass at another region — each binding is
 * as useless elsewhere as a single-region token is.
 *
 * Concurrent requests to one region may travel in one HTTP request, an envelope
 * (`signInternalEnvelope`): each request keeps its own token, complete with caller,
 * purpose, audience, body hash, jti and expiry, but unsigned (`prepareInternalToken`); the
 * envelope's token, signed once, lists the SHA-256 of each of them. A region checks the one
 * signature, then each request's token against its entry and its own body, exactly as it
 * checks a token signed alone (`verifyEnvelopeItem`). An envelope is addressed to one
 * region and part, so no region sees another region's callers.
 */
import { createHash, randomBytes, randomUUID, sign, verify, type KeyObject } from 'node:crypto';
import { SIGNING_ALGORITHM, type SigningKey } from './key-files.ts';
import type { Officer, Purpose } from '../officer.ts';

export const INTERNAL_TOKEN_HEADER = 'x-liandong-internal-token';
/** `<index>.<nonce>`: which of a fan-out token's commitments is this request's, and its nonce. */
export const INTERNAL_BINDING_HEADER = 'x-liandong-internal-binding';
export const INTERNAL_ISSUER = 'liandong-gateway';

/** The caller as the gateway authenticated it; what graphql-shield rules see. */
export interface InternalCaller extends Officer {
  scopes: string[];
  anonymous: boolean;
}

export interface InternalPurpose extends Purpose {
  /** Parties of the named case, as the owning region reported them to the gateway. */
  caseParties?: string[];
  /** False when the owning region does not list the caller on the named case (case-bound scopes were withheld). */
  callerAssigned?: boolean;
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
  purpose: { code: string; text: string; caseRef: string | null; caseParties?: readonly string[]; callerAssigned?: boolean } | null;
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
  return signClaims(key, request, { aud: internalAudience(request.region, request.part), bh: bodyHash(request.body) });
}

export interface SignBatchRequest extends Omit<SignRequest, 'region' | 'body'> {
  /** The requests of one fan-out, all to the same contract part. */
  requests: readonly { region: string; body: string | Uint8Array }[];
}

/** One token for a fan-out, and each request's binding (send it as INTERNAL_BINDING_HEADER). */
export interface SignedBatch {
  token: string;
  bindings: string[];
}

/** The most requests one fan-out token covers (its size grows by ~60 bytes a region). */
export const MAX_BATCH = 64;

export function signInternalBatch(key: SigningKey, request: SignBatchRequest): SignedBatch {
  if (request.requests.length === 0 || request.requests.length > MAX_BATCH) {
    throw new RangeError(`signInternalBatch: ${request.requests.length} requests; expected 1 to ${MAX_BATCH}`);
  }
  const aud = request.requests.map((r) => internalAudience(r.region, request.part));
  const nonces = request.requests.map(() => randomBytes(16).toString('base64url'));
  const bind = request.requests.map((r, i) => commitment(aud[i], nonces[i], bodyHash(r.body)));
  return { token: signClaims(key, request, { aud, bind }), bindings: nonces.map((nonce, i) => `${i}.${nonce}`) };
}

/** Binds one request of a fan-out: its audience, its own nonce, its body. */
function commitment(audience: string, nonce: string, hashOfBody: string): string {
  return createHash('sha256').update(`${audience}\n${nonce}\n${hashOfBody}`).digest('base64url');
}

/**
 * One request's token without its signature (`<header>.<payload>`): sealed alone
 * (`sealInternalToken`) or with others in an envelope (`signInternalEnvelope`).
 */
export function prepareInternalToken(key: SigningKey, request: SignRequest): string {
  return signingInput(key, request, { aud: internalAudience(request.region, request.part), bh: bodyHash(request.body) });
}

/** A prepared token signed alone: the same token `signInternalToken` gives. */
export function sealInternalToken(key: SigningKey, prepared: string): string {
  return `${prepared}.${sign(null, Buffer.from(prepared), key.privateKey).toString('base64url')}`;
}

/** Header of the envelope token (an HTTP request carrying several requests' prepared tokens). */
export const INTERNAL_ENVELOPE_HEADER = 'x-liandong-internal-envelope';
/** The most requests one envelope carries. */
export const MAX_ENVELOPE = 64;

export interface SignEnvelopeRequest {
  region: string;
  part: string;
  /** The prepared tokens of the requests, in the order the envelope's body carries them. */
  prepared: readonly string[];
  ttlSeconds: number;
}

/** Signs an envelope once: its token lists each request's prepared token by SHA-256. */
export function signInternalEnvelope(key: SigningKey, request: SignEnvelopeRequest): string {
  if (request.prepared.length < 1 || request.prepared.length > MAX_ENVELOPE) {
    throw new RangeError(`signInternalEnvelope: ${request.prepared.length} requests; expected 1 to ${MAX_ENVELOPE}`);
  }
  const now = Math.floor(Date.now() / 1000);
  const header = { alg: SIGNING_ALGORITHM, typ: 'JWT', kid: key.kid };
  const payload = {
    iss: INTERNAL_ISSUER,
    aud: internalAudience(request.region, request.part),
    env: request.prepared.map(envelopeEntry),
    iat: now,
    exp: now + request.ttlSeconds,
    jti: randomUUID(),
  };
  return sealInternalToken(key, `${encode(header)}.${encode(payload)}`);
}

function envelopeEntry(prepared: string): string {
  return createHash('sha256').update(prepared).digest('base64url');
}

/** A verified envelope: what each of its requests' prepared tokens must hash to, in order. */
export interface VerifiedEnvelope {
  jti: string;
  exp: number;
  entries: readonly string[];
}

/** Checks an envelope token's signature, issuer, audience and expiry (not yet its requests). */
export function verifyInternalEnvelope(token: string, request: Omit<VerifyRequest, 'body' | 'binding'>): VerifiedEnvelope {
  const payload = verifiedPayload(token, request.keys);
  checkClaims(payload, request);
  const entries = payload.env;
  if (!Array.isArray(entries) || entries.length === 0 || entries.length > MAX_ENVELOPE || !entries.every((e) => typeof e === 'string')) {
    throw invalidClaim('env', `must list 1 to ${MAX_ENVELOPE} request hashes`);
  }
  if (Array.isArray(payload.aud)) throw new InternalTokenError('wrong-audience', 'an envelope token is addressed to one region and part');
  return { jti: payload.jti as string, exp: payload.exp as number, entries: entries as string[] };
}

/**
 * One request of a verified envelope: its prepared token must be the envelope's entry at
 * `index`, and is then checked as a token signed alone would be (issuer, audience,
 * expiry, body hash, caller).
 */
export function verifyEnvelopeItem(
  envelope: VerifiedEnvelope,
  index: number,
  prepared: string,
  request: Omit<VerifyRequest, 'keys' | 'binding'>,
): InternalClaims {
  const parts = prepared.split('.');
  if (parts.length !== 2 || !parts.every((part) => BASE64URL.test(part))) {
    throw new InternalTokenError('malformed', `request ${index} of the envelope: its token is not <header>.<payload> in base64url`);
  }
  if (envelope.entries[index] !== envelopeEntry(prepared)) {
    throw new InternalTokenError('bad-signature', `request ${index} of the envelope: its token is not the one the gateway signed`);
  }
  const payload = decodeJson(parts[1], 'payload');
  checkClaims(payload, request);
  if (Array.isArray(payload.bind) || Array.isArray(payload.aud)) {
    throw new InternalTokenError('malformed', `request ${index} of the envelope: its token must name one audience and one body`);
  }
  checkBody(payload, request);
  return claimsOf(payload);
}

function signClaims(
  key: SigningKey,
  request: Omit<SignRequest, 'region' | 'body'>,
  binding: { aud: string | string[]; bh?: string; bind?: string[] },
): string {
  return sealInternalToken(key, signingInput(key, request, binding));
}

function signingInput(
  key: SigningKey,
  request: Omit<SignRequest, 'region' | 'body'>,
  binding: { aud: string | string[]; bh?: string; bind?: string[] },
): string {
  const now = Math.floor(Date.now() / 1000);
  const header = { alg: SIGNING_ALGORITHM, typ: 'JWT', kid: key.kid };
  const payload = {
    iss: INTERNAL_ISSUER,
    ...binding,
    sub: request.caller.sub,
    iat: now,
    exp: now + request.ttlSeconds,
    jti: randomUUID(),
    rid: request.requestId,
    caller: { ...request.caller, roles: [...request.caller.roles], scopes: [...request.caller.scopes] },
    purpose: request.purpose && { ...request.purpose, caseParties: request.purpose.caseParties && [...request.purpose.caseParties] },
  };
  return `${encode(header)}.${encode(payload)}`;
}

function encode(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

export type InternalTokenFailure =
  | 'missing-token'
  | 'bad-signature'
  | 'expired'
  | 'wrong-audience'
  | 'body-mismatch'
  | 'replayed'
  | 'malformed';

export class InternalTokenError extends Error {
  constructor(
    readonly reason: InternalTokenFailure,
    message: string,
  ) {
    super(message);
    this.name = 'InternalTokenError';
  }
}

/** The trusted gateway public key a token's `kid` names, or undefined when none is trusted. */
export type InternalKeyLookup = (kid: string | undefined) => KeyObject | undefined;

export interface VerifyRequest {
  keys: InternalKeyLookup;
  audience: string;
  body: string | Uint8Array;
  clockToleranceSeconds: number;
  /** The request's INTERNAL_BINDING_HEADER, for a fan-out token. */
  binding?: string;
  /** Seconds since the epoch; default the clock. */
  now?: number;
}

const BASE64URL = /^[A-Za-z0-9_-]+$/;

/**
 * Checks signature, issuer, audience, expiry and body binding; replay is the guard's job.
 *
 * Synchronous, on node:crypto, like signing: every region request is verified, and the
 * WebCrypto path (a thread-pool job and a promise per token) cost a region more than
 * the Ed25519 verification itself. The checks are jose's, in jose's order: the header
 * and the signature first, so claims are read only from a token the gateway signed.
 */
export function verifyInternalToken(token: string, request: VerifyRequest): InternalClaims {
  const payload = verifiedPayload(token, request.keys);
  checkClaims(payload, request);
  checkBody(payload, request);
  return claimsOf(payload);
}

/** The payload of a token whose header and signature check out against a trusted key. */
function verifiedPayload(token: string, keys: InternalKeyLookup): Record<string, unknown> {
  const parts = token.split('.');
  if (parts.length !== 3 || !parts.every((part) => BASE64URL.test(part))) {
    throw new InternalTokenError('malformed', 'internal token is malformed: expected a compact JWS (three base64url parts)');
  }
  const header = decodeJson(parts[0], 'header');
  const key = header.alg === SIGNING_ALGORITHM ? keys(typeof header.kid === 'string' ? header.kid : undefined) : undefined;
  const signature = Buffer.from(parts[2], 'base64url');
  if (!key || signature.length !== ED25519_SIGNATURE_BYTES || !verify(null, Buffer.from(`${parts[0]}.${parts[1]}`), key, signature)) {
    throw new InternalTokenError('bad-signature', 'internal token is not signed by the gateway key this subgraph trusts');
  }
  return decodeJson(parts[1], 'payload');
}

/** A single-request token names its body's hash; a fan-out token holds this request's commitment. */
function checkBody(payload: Record<string, unknown>, request: Pick<VerifyRequest, 'audience' | 'body' | 'binding'>): void {
  if (!Array.isArray(payload.bind)) {
    if (payload.bh !== bodyHash(request.body))
      throw new InternalTokenError('body-mismatch', 'internal token was issued for a different request body');
    return;
  }
  const match = /^(\d{1,3})\.([A-Za-z0-9_-]{16,64})$/.exec(request.binding ?? '');
  if (!match) {
    throw new InternalTokenError(
      'malformed',
      `internal token covers several regions; the request must carry its binding (header ${INTERNAL_BINDING_HEADER}: <index>.<nonce>)`,
    );
  }
  const index = Number(match[1]);
  if (!Array.isArray(payload.aud) || payload.aud[index] !== request.audience) {
    throw new InternalTokenError('wrong-audience', `internal token is not addressed to ${request.audience} at binding ${index}`);
  }
  if (payload.bind[index] !== commitment(request.audience, match[2], bodyHash(request.body))) {
    throw new InternalTokenError('body-mismatch', 'internal token was issued for a different request body (or binding)');
  }
}

const ED25519_SIGNATURE_BYTES = 64;

function decodeJson(part: string, what: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
  } catch {
    throw new InternalTokenError('malformed', `internal token is malformed: its ${what} is not base64url JSON`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new InternalTokenError('malformed', `internal token is malformed: its ${what} is not a JSON object`);
  }
  return value as Record<string, unknown>;
}

function checkClaims(payload: Record<string, unknown>, request: Pick<VerifyRequest, 'audience' | 'clockToleranceSeconds' | 'now'>): void {
  const now = request.now ?? Math.floor(Date.now() / 1000);
  const tolerance = request.clockToleranceSeconds;
  for (const claim of ['exp', 'iat'] as const) {
    if (typeof payload[claim] !== 'number') throw invalidClaim(claim, 'is missing or not a number');
  }
  if (typeof payload.jti !== 'string' || payload.jti === '') throw invalidClaim('jti', 'is missing');
  if (payload.iss !== INTERNAL_ISSUER)
    throw invalidClaim('iss', `is ${JSON.stringify(payload.iss ?? null)}, expected ${JSON.stringify(INTERNAL_ISSUER)}`);
  const audiences = Array.isArray(payload.aud) ? payload.aud : [payload.aud];
  if (!audiences.includes(request.audience)) {
    throw new InternalTokenError('wrong-audience', `internal token is not addressed to ${request.audience}`);
  }
  if ((payload.exp as number) <= now - tolerance) throw new InternalTokenError('expired', 'internal token has expired');
  if (typeof payload.nbf === 'number' && payload.nbf > now + tolerance) throw invalidClaim('nbf', 'is in the future');
}

function invalidClaim(claim: string, why: string): InternalTokenError {
  return new InternalTokenError('malformed', `internal token claim "${claim}" ${why}`);
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
