/**
 * Checks a caller's bearer token and turns its claims into a `Caller`.
 *
 * Order matters for the messages: the header is inspected first (shape, `alg`), then
 * the signature against the trusted key set by `kid`, then the claims. A token that
 * fails several checks is reported by the first, so a tampered expired token says
 * "bad signature" — an attacker learns nothing from claims that were never verified.
 */
import { createLocalJWKSet, createRemoteJWKSet, decodeProtectedHeader, errors, jwtVerify, type JWTVerifyGetKey } from 'jose';
import type { Policy } from '../../schema/policy.ts';
import type { Caller } from '../context.ts';
import { readJwksFile } from '../../common/security/key-files.ts';
import { quoteInput } from '../../common/normalise/index.ts';
import type { AuthConfig, TrustedKeys } from './config.ts';
import { callerFromClaims } from './caller.ts';
import { AuthenticationError, KeySetUnavailableError } from './errors.ts';
import { VerifiedTokens } from './verified-tokens.ts';

/** How many verified tokens are remembered, and for how long at most (see verified-tokens.ts). */
const REMEMBERED_TOKENS = 10_000;
const REMEMBERED_FOR_MS = 60_000;
/**
 * How much of a refused Authorization header the 401 repeats: enough to show a wrong
 * scheme ("Basic ", "Token "), too little to copy a credential into logs and audit.
 */
const AUTHORIZATION_ECHO = 6;

export interface TokenVerifier {
  /** Verifies `Authorization: Bearer <jwt>`; throws AuthenticationError naming the failed check. */
  verify(authorization: string | undefined): Promise<Caller>;
}

export function createTokenVerifier(config: AuthConfig, policy: Policy): TokenVerifier {
  const keys = keySet(config.keys);
  const verified = new VerifiedTokens({
    max: REMEMBERED_TOKENS,
    maxAgeMs: REMEMBERED_FOR_MS,
    clockToleranceSeconds: config.clockToleranceSeconds,
  });
  return {
    async verify(authorization) {
      const token = bearerToken(authorization);
      const known = verified.get(token);
      if (known) return known;
      checkAlgorithm(token, config);
      const { payload } = await verifySignatureAndClaims(token, keys, config);
      return verified.remember(token, callerFromClaims(payload, policy), payload.exp!);
    },
  };
}

function keySet(keys: TrustedKeys): JWTVerifyGetKey {
  if (keys.kind === 'url') return createRemoteJWKSet(new URL(keys.url), { timeoutDuration: 5000, cooldownDuration: 30_000 });
  return createLocalJWKSet(readJwksFile(keys.jwksFile));
}

function bearerToken(authorization: string | undefined): string {
  if (!authorization || authorization.trim() === '') {
    throw new AuthenticationError('missing-token', 'no bearer token: send "Authorization: Bearer <JWT>"');
  }
  const match = /^Bearer\s+([A-Za-z0-9_\-.]+)\s*$/i.exec(authorization);
  if (!match)
    throw new AuthenticationError(
      'malformed',
      `the Authorization header must be "Bearer <JWT>", got ${quoteInput(authorization, AUTHORIZATION_ECHO)}`,
    );
  return match[1];
}

/** Refuses `none` and symmetric algorithms before any key is touched (HS/RS confusion). */
function checkAlgorithm(token: string, config: AuthConfig): void {
  let alg: unknown;
  try {
    alg = decodeProtectedHeader(token).alg;
  } catch {
    throw new AuthenticationError('malformed', 'the bearer token is not a JWT (expected three base64url parts with a JSON header)');
  }
  if (typeof alg !== 'string' || !(config.algorithms as string[]).includes(alg)) {
    throw new AuthenticationError(
      'alg-not-allowed',
      `token algorithm ${quoteInput(alg ?? null)} is not accepted (accepted: ${config.algorithms.join(', ')})`,
    );
  }
}

async function verifySignatureAndClaims(token: string, keys: JWTVerifyGetKey, config: AuthConfig) {
  try {
    return await jwtVerify(token, keys, {
      issuer: config.issuer,
      audience: config.audience,
      algorithms: config.algorithms,
      clockTolerance: config.clockToleranceSeconds,
      requiredClaims: ['exp', 'sub'],
    });
  } catch (error) {
    throw translate(error, config);
  }
}

/** jose's errors → our stable reasons, with messages naming what was expected. */
function translate(error: unknown, config: AuthConfig): Error {
  if (error instanceof errors.JWTExpired)
    return new AuthenticationError(
      'expired',
      `token expired at ${isoTime(error.payload.exp)} (clock tolerance ${config.clockToleranceSeconds}s)`,
    );
  if (error instanceof errors.JWTClaimValidationFailed) return claimFailure(error, config);
  if (error instanceof errors.JWSSignatureVerificationFailed)
    return new AuthenticationError(
      'bad-signature',
      'token signature does not verify against the trusted key it names (altered or signed by another key)',
    );
  if (error instanceof errors.JWKSNoMatchingKey)
    return new AuthenticationError('unknown-key', 'token is signed with a key (kid) the gateway does not trust');
  if (error instanceof errors.JWKSMultipleMatchingKeys)
    return new AuthenticationError('unknown-key', 'token names no kid and several trusted keys could match; tokens must carry a kid');
  if (error instanceof errors.JOSEAlgNotAllowed)
    return new AuthenticationError('alg-not-allowed', `token algorithm is not accepted (accepted: ${config.algorithms.join(', ')})`);
  if (error instanceof errors.JWKSTimeout || error instanceof errors.JWKSInvalid) return new KeySetUnavailableError(error.message);
  if (error instanceof errors.JOSEError) return new AuthenticationError('malformed', `token is malformed: ${error.message}`);
  return error instanceof Error ? error : new Error(String(error));
}

function claimFailure(error: InstanceType<typeof errors.JWTClaimValidationFailed>, config: AuthConfig): AuthenticationError {
  switch (error.claim) {
    case 'nbf':
      return new AuthenticationError(
        'not-yet-valid',
        `token is not valid before ${isoTime(error.payload.nbf)} (clock tolerance ${config.clockToleranceSeconds}s)`,
      );
    case 'iss':
      return new AuthenticationError(
        'bad-issuer',
        `token issuer ${quoteInput(error.payload.iss ?? null)} is not the trusted issuer ${JSON.stringify(config.issuer)}`,
      );
    case 'aud':
      return new AuthenticationError(
        'bad-audience',
        `token audience ${quoteInput(error.payload.aud ?? null)} does not include ${JSON.stringify(config.audience)}`,
      );
    default:
      return new AuthenticationError('bad-claims', `token claim "${error.claim}" is invalid: ${error.message}`);
  }
}

function isoTime(seconds: unknown): string {
  return typeof seconds === 'number' ? new Date(seconds * 1000).toISOString() : String(seconds);
}
