/**
 * The subgraph's gate: only requests carrying a valid internal token from the gateway
 * get to GraphQL. Plugged into `createSubgraphServer({ requestGuard })`.
 *
 * Every refusal is a 401 whose message names the failed check (missing, signature,
 * expiry, audience, body, replay) — the gateway's logs then say exactly why a region
 * refused it, and a direct caller learns nothing it could use. On success the verified
 * caller and purpose join the resolver context as `caller` and `purpose`, which the
 * graphql-shield rules and the disclosure log read.
 */
import type { IncomingMessage } from 'node:http';
import { createPublicKey, type KeyObject } from 'node:crypto';
import { statSync } from 'node:fs';
import type { JWK } from 'jose';
import type { EnvelopeGuard, GuardResult, RequestGuard } from '../server.ts';
import type { EnvelopedRequest } from '../envelope.ts';
import { readJwksFile } from '../../common/security/key-files.ts';
import {
  INTERNAL_BINDING_HEADER,
  INTERNAL_ENVELOPE_HEADER,
  INTERNAL_TOKEN_HEADER,
  InternalTokenError,
  internalAudience,
  verifyEnvelopeItem,
  verifyInternalEnvelope,
  verifyInternalToken,
  type InternalClaims,
  type InternalKeyLookup,
} from '../../common/security/internal-token.ts';
import { ReplayCache } from './replay-cache.ts';

export interface RequestGuardOptions {
  /** This subgraph's region code: tokens must be addressed to `<region>/<part>`. */
  region: string;
  /** JWKS file holding the gateway's internal public key(s). */
  gatewayJwksFile: string;
  /** Leeway for clock differences between gateway and subgraph hosts (default 5 s). */
  clockToleranceSeconds?: number;
  replayCache?: ReplayCache;
}

/** What the guard adds to the subgraph context. */
export interface GuardedContext {
  caller: InternalClaims['caller'];
  purpose: InternalClaims['purpose'];
  /** The gateway's request id, which is also its audit id. */
  gatewayRequestId: string;
}

export function createRequestGuard(options: RequestGuardOptions): RequestGuard {
  const keys = gatewayKeys(options.gatewayJwksFile);
  const tolerance = options.clockToleranceSeconds ?? 5;
  const replays = options.replayCache ?? new ReplayCache();
  /** Once per token (or envelope) per audience: one fan-out token reaches each region (and part) once. */
  const firstUse = (jti: string, exp: number, audience: string): Extract<GuardResult, { ok: false }> | null => {
    const seen = replays.remember(`${jti}@${audience}`, exp + tolerance);
    if (seen === 'replayed') return refuse(`internal token ${jti} was already used: tokens are single-use`);
    if (seen === 'full')
      return {
        ok: false,
        status: 503,
        code: 'REPLAY_CACHE_FULL',
        message: 'too many requests in flight to check for replays; retry shortly',
      };
    return null;
  };
  const trustedKeys = (): InternalKeyLookup | Extract<GuardResult, { ok: false }> => {
    try {
      return keys();
    } catch (error) {
      return {
        ok: false,
        status: 503,
        code: 'GATEWAY_KEYS_UNAVAILABLE',
        message: `cannot check the internal token: ${(error as Error).message}`,
      };
    }
  };
  const guard: RequestGuard = async (req: IncomingMessage, body: string): Promise<GuardResult> => {
    const token = req.headers[INTERNAL_TOKEN_HEADER];
    if (typeof token !== 'string' || token === '') {
      return refuse(`no internal token: subgraphs answer only requests signed by the gateway (header ${INTERNAL_TOKEN_HEADER})`);
    }
    const audience = internalAudience(options.region, partOf(req));
    const trusted = trustedKeys();
    if (typeof trusted !== 'function') return trusted;
    return checked(() => {
      const binding = req.headers[INTERNAL_BINDING_HEADER];
      const claims = verifyInternalToken(token, {
        keys: trusted,
        audience,
        body,
        clockToleranceSeconds: tolerance,
        binding: typeof binding === 'string' ? binding : undefined,
      });
      return firstUse(claims.jti, claims.exp, audience) ?? admitted(claims);
    });
  };
  /**
   * An envelope (subgraphs/envelope.ts): its one signature and its own jti first — a
   * failure there refuses the whole — then each request's own token against its entry and
   * body, and its own jti, exactly as a request alone; one request refused refuses only it.
   */
  const envelope: EnvelopeGuard = async (req, requests: readonly EnvelopedRequest[]) => {
    const token = req.headers[INTERNAL_ENVELOPE_HEADER];
    if (typeof token !== 'string' || token === '') return refuse(`an envelope needs its token (header ${INTERNAL_ENVELOPE_HEADER})`);
    const audience = internalAudience(options.region, partOf(req));
    const trusted = trustedKeys();
    if (typeof trusted !== 'function') return trusted;
    const envelopeToken = checked(() => verifyInternalEnvelope(token, { keys: trusted, audience, clockToleranceSeconds: tolerance }));
    if ('ok' in envelopeToken) return envelopeToken;
    if (envelopeToken.entries.length !== requests.length) {
      return refuse(`the envelope's token lists ${envelopeToken.entries.length} requests, its body carries ${requests.length}`);
    }
    const reused = firstUse(envelopeToken.jti, envelopeToken.exp, audience);
    if (reused) return reused;
    const results = requests.map((request, i) =>
      checked(() => {
        const claims = verifyEnvelopeItem(envelopeToken, i, request.token, {
          audience,
          body: request.body,
          clockToleranceSeconds: tolerance,
        });
        return firstUse(claims.jti, claims.exp, audience) ?? admitted(claims);
      }),
    );
    return { ok: true, requests: results };
  };
  guard.envelope = envelope;
  return guard;
}

/** A token check's refusal when it throws an InternalTokenError (anything else is a bug and is thrown on). */
function checked<T>(check: () => T): T | Extract<GuardResult, { ok: false }> {
  try {
    return check();
  } catch (error) {
    if (error instanceof InternalTokenError) return refuse(error.message);
    throw error;
  }
}

/** The verified caller and purpose, for the resolver context. */
function admitted(claims: InternalClaims): GuardResult {
  const context: GuardedContext = { caller: claims.caller, purpose: claims.purpose, gatewayRequestId: claims.requestId };
  // Spread: an interface is not assignable to the server's open Record type.
  return { ok: true, context: { ...context } };
}

/**
 * The gateway's public keys, re-read whenever the JWKS file changes: a subgraph may start
 * before the gateway first writes it, and a rotated key (old and new published
 * together) takes effect without restarting any region. The file is looked at no more
 * than once per KEY_FILE_CHECK_MS (a stat per request cost more than it told).
 */
const KEY_FILE_CHECK_MS = 1000;

function gatewayKeys(file: string): () => InternalKeyLookup {
  let loaded: { mtimeMs: number; keys: InternalKeyLookup } | null = null;
  let checkedAt = 0;
  return () => {
    const now = Date.now();
    if (loaded && now - checkedAt < KEY_FILE_CHECK_MS) return loaded.keys;
    checkedAt = now;
    let mtimeMs: number;
    try {
      mtimeMs = statSync(file).mtimeMs;
    } catch {
      throw new Error(`the gateway's key set ${file} does not exist (yet); start the gateway once to create it`);
    }
    if (loaded?.mtimeMs !== mtimeMs) loaded = { mtimeMs, keys: keyLookup(readJwksFile(file).keys) };
    return loaded.keys;
  };
}

/** By `kid`; a token without one matches only a key set of exactly one key (as jose's JWKS lookup). */
function keyLookup(jwks: readonly JWK[]): InternalKeyLookup {
  const keys = jwks.map((jwk) => ({ kid: jwk.kid, key: createPublicKey({ key: jwk as Record<string, unknown>, format: 'jwk' }) }));
  const byKid = new Map<string, KeyObject>(keys.flatMap((k) => (k.kid ? [[k.kid, k.key] as const] : [])));
  return (kid) => (kid === undefined ? (keys.length === 1 ? keys[0].key : undefined) : byKid.get(kid));
}

function partOf(req: IncomingMessage): string {
  return new URL(req.url ?? '/', 'http://subgraph.invalid').pathname.replace(/^\/+|\/+$/g, '');
}

function refuse(message: string): Extract<GuardResult, { ok: false }> {
  return { ok: false, status: 401, code: 'UNAUTHENTICATED', message };
}
