/**
 * Subgraphs answer only requests the gateway signed, once, for that body and endpoint.
 * Real HTTP against createSubgraphServer with the request guard installed.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createPublicKey, sign } from 'node:crypto';
import {
  INTERNAL_BINDING_HEADER,
  INTERNAL_TOKEN_HEADER,
  type InternalTokenError,
  signInternalBatch,
  signInternalToken,
  verifyInternalToken,
  type SignRequest,
  type VerifyRequest,
} from '../../common/security/internal-token.ts';
import { loadInternalSigningKey } from '../../common/security/internal-keys.ts';
import { ReplayCache } from '../../subgraphs/security/replay-cache.ts';
import { officer, startGuardedRegion, type GuardedRegion } from './regional-subgraph.ts';

const QUERY = '{ personRecord(id: "JS:P-1") { id name } }';
const BODY = JSON.stringify({ query: QUERY });
const JS_OFFICER = officer('JS', ['patrol-officer'], ['person:read']);

let region: GuardedRegion;
let otherKeysDir: string;

beforeAll(async () => {
  region = await startGuardedRegion();
  otherKeysDir = mkdtempSync(join(tmpdir(), 'liandong-other-keys-'));
});
afterAll(async () => {
  await region?.close();
  rmSync(otherKeysDir, { recursive: true, force: true });
});

function token(overrides: Partial<SignRequest> = {}, key = region.key): string {
  return signInternalToken(key, {
    region: 'JS',
    part: 'records',
    body: BODY,
    caller: JS_OFFICER,
    purpose: null,
    requestId: 'r-1',
    ttlSeconds: 10,
    ...overrides,
  });
}

describe('the request guard over real HTTP', () => {
  it('answers a request signed by the gateway for this body and endpoint', async () => {
    const reply = await region.send('records', BODY, { [INTERNAL_TOKEN_HEADER]: token() });
    expect(reply.status).toBe(200);
    expect(reply.data?.personRecord).toEqual({ id: 'JS:P-1', name: '張偉' });
  });

  it('refuses a direct call without a token with 401', async () => {
    const reply = await region.send('records', BODY, {});
    expect(reply.status).toBe(401);
    expect(reply.errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
    expect(reply.errors?.[0].message).toMatch(/no internal token/);
    expect(reply.data ?? null).toBeNull();
  });

  it('refuses an expired token', async () => {
    // Signed ten minutes ago with a 10 s lifetime: far past the 5 s clock tolerance.
    const realNow = Date.now;
    Date.now = () => realNow() - 600_000;
    let old: string;
    try {
      old = token();
    } finally {
      Date.now = realNow;
    }
    const reply = await region.send('records', BODY, { [INTERNAL_TOKEN_HEADER]: old });
    expect(reply.status).toBe(401);
    expect(reply.errors?.[0].message).toMatch(/expired/);
  });

  it('refuses a replayed token', async () => {
    const once = token();
    expect((await region.send('records', BODY, { [INTERNAL_TOKEN_HEADER]: once })).status).toBe(200);
    const replay = await region.send('records', BODY, { [INTERNAL_TOKEN_HEADER]: once });
    expect(replay.status).toBe(401);
    expect(replay.errors?.[0].message).toMatch(/already used/);
  });

  it('refuses a token issued for another body', async () => {
    const other = JSON.stringify({ query: '{ personRecord(id: "JS:P-2") { id name } }' });
    const reply = await region.send('records', other, { [INTERNAL_TOKEN_HEADER]: token() });
    expect(reply.status).toBe(401);
    expect(reply.errors?.[0].message).toMatch(/different request body/);
  });

  it('refuses a token addressed to another region or another part', async () => {
    const toGz = await region.send('records', BODY, { [INTERNAL_TOKEN_HEADER]: token({ region: 'GZ' }) });
    expect(toGz.status).toBe(401);
    expect(toGz.errors?.[0].message).toMatch(/not addressed to JS\/records/);
    const toIndex = await region.send('records', BODY, { [INTERNAL_TOKEN_HEADER]: token({ part: 'index' }) });
    expect(toIndex.status).toBe(401);
  });

  it('refuses a token signed by another key, and a token with a forged payload', async () => {
    const stranger = await loadInternalSigningKey(otherKeysDir);
    const foreign = await region.send('records', BODY, { [INTERNAL_TOKEN_HEADER]: token({}, { ...stranger, kid: region.key.kid }) });
    expect(foreign.status).toBe(401);
    expect(foreign.errors?.[0].message).toMatch(/not signed by the gateway key/);

    const [header, payload, signature] = token().split('.');
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString());
    claims.caller.scopes.push('person:contact');
    const forged = `${header}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.${signature}`;
    const reply = await region.send('records', BODY, { [INTERNAL_TOKEN_HEADER]: forged });
    expect(reply.status).toBe(401);
  });

  it('refuses an unsigned (alg none) token', async () => {
    const [, payload] = token().split('.');
    const none = `${Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url')}.${payload}.`;
    const reply = await region.send('records', BODY, { [INTERNAL_TOKEN_HEADER]: none });
    expect(reply.status).toBe(401);
  });

  it('hands the verified caller and purpose to the resolvers (the shield sees them)', async () => {
    // The phone needs person:contact and a case the caller works (need-to-know): granted by the token, it is
    // served; the caller and purpose come from the token alone. JS-0310552 leads the fixture case.
    const query = '{ personRecord(id: "JS:P-1") { phone } }';
    const onCase = { code: 'investigation', text: '', caseRef: 'JS:C-2026-000001' };
    const withScope = await region.ask(
      'records',
      query,
      {},
      { caller: officer('JS', ['investigator'], ['person:read', 'person:contact'], 'JS-0310552'), purpose: onCase },
    );
    expect(withScope.data?.personRecord.phone).toBe('13900000001');
    const without = await region.ask('records', query, {}, { caller: JS_OFFICER });
    expect(without.data?.personRecord.phone).toBeNull();
    expect(without.errors?.[0].extensions?.code).toBe('FORBIDDEN');
  });
});

describe('a fan-out token (one signature for several regions)', () => {
  const OTHER = JSON.stringify({ query: '{ personRecord(id: "GZ:P-1") { id } }' });
  const batch = () =>
    signInternalBatch(region.key, {
      part: 'records',
      requests: [
        { region: 'GZ', body: OTHER },
        { region: 'JS', body: BODY },
      ],
      caller: JS_OFFICER,
      purpose: null,
      requestId: 'r-fan',
      ttlSeconds: 10,
    });
  const send = (token: string, binding?: string, body = BODY) =>
    region.send('records', body, { [INTERNAL_TOKEN_HEADER]: token, ...(binding ? { [INTERNAL_BINDING_HEADER]: binding } : {}) });

  it("is accepted at each region with that region's own binding and body, once", async () => {
    const { token, bindings } = batch();
    expect((await send(token, bindings[1])).status).toBe(200);
    const again = await send(token, bindings[1]);
    expect(again.status).toBe(401);
    expect(again.errors?.[0].message).toMatch(/already used/);
  });

  it("is refused with another region's binding, a guessed nonce, another body, or no binding", async () => {
    const { token, bindings } = batch();
    expect((await send(token, bindings[0])).errors?.[0].message).toMatch(/not addressed to JS\/records at binding 0/);
    expect((await send(token, `1.${'A'.repeat(22)}`)).errors?.[0].message).toMatch(/different request body/);
    expect((await send(token, bindings[1], OTHER)).errors?.[0].message).toMatch(/different request body/);
    expect((await send(token)).errors?.[0].message).toMatch(/must carry its binding/);
    expect((await send(token, bindings[1])).status).toBe(200); // none of the refusals used it up
  });

  it('refuses to sign more regions than one token may hold', () => {
    const requests = Array.from({ length: 65 }, () => ({ region: 'JS', body: BODY }));
    expect(() =>
      signInternalBatch(region.key, { part: 'records', requests, caller: JS_OFFICER, purpose: null, requestId: 'r', ttlSeconds: 10 }),
    ).toThrow(/expected 1 to 64/);
  });
});

describe('the replay cache', () => {
  it('remembers a jti until its token expires, then forgets it', () => {
    let now = 1000;
    const cache = new ReplayCache(10, () => now);
    expect(cache.remember('a', 1010)).toBe('fresh');
    expect(cache.remember('a', 1010)).toBe('replayed');
    now = 1011;
    expect(cache.remember('b', 1021)).toBe('fresh');
    expect(cache.size).toBe(1);
  });

  it('refuses new tokens rather than forgetting unexpired ones when full', () => {
    const cache = new ReplayCache(2, () => 1000);
    cache.remember('a', 1010);
    cache.remember('b', 1010);
    expect(cache.remember('c', 1010)).toBe('full');
    expect(cache.remember('a', 1010)).toBe('replayed');
  });
});

describe('verifyInternalToken (node:crypto, synchronous)', () => {
  const lookup = (kid: string | undefined) => (kid === region.key.kid ? createPublicKey(region.key.privateKey) : undefined);
  const check = (t: string, extra: Partial<VerifyRequest> = {}) =>
    verifyInternalToken(t, { keys: lookup, audience: 'JS/records', body: BODY, clockToleranceSeconds: 5, ...extra });
  /** A token with hand-made header and claims, signed by the region's trusted key. */
  const signed = (header: object, claims: object) => {
    const input = `${Buffer.from(JSON.stringify(header)).toString('base64url')}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}`;
    return `${input}.${sign(null, Buffer.from(input), region.key.privateKey).toString('base64url')}`;
  };
  const good = () => JSON.parse(Buffer.from(token().split('.')[1], 'base64url').toString()) as Record<string, unknown>;
  const header = () => ({ alg: 'EdDSA', typ: 'JWT', kid: region.key.kid });

  it('returns the caller, purpose and request id of a good token', () => {
    const claims = check(token());
    expect(claims.caller.sub).toBe(JS_OFFICER.sub);
    expect(claims.requestId).toBe('r-1');
    expect(claims.jti).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('names the failed check for each kind of bad token', () => {
    const reason = (t: string, extra?: Partial<VerifyRequest>) => {
      try {
        check(t, extra);
        return 'accepted';
      } catch (error) {
        return (error as InternalTokenError).reason;
      }
    };
    expect(reason('abc')).toBe('malformed');
    expect(reason('a.b.c.d')).toBe('malformed');
    expect(reason(`${token()}==`)).toBe('malformed');
    expect(reason(signed({ ...header(), alg: 'HS256' }, good()))).toBe('bad-signature');
    expect(reason(signed({ ...header(), kid: 'unknown' }, good()))).toBe('bad-signature');
    expect(reason(signed(header(), { ...good(), exp: undefined }))).toBe('malformed');
    expect(reason(signed(header(), { ...good(), jti: undefined }))).toBe('malformed');
    expect(reason(signed(header(), { ...good(), iss: 'someone-else' }))).toBe('malformed');
    expect(reason(signed(header(), { ...good(), nbf: Math.floor(Date.now() / 1000) + 600 }))).toBe('malformed');
    expect(reason(token(), { audience: 'JS/index' })).toBe('wrong-audience');
    expect(reason(token(), { now: Math.floor(Date.now() / 1000) + 60 })).toBe('expired');
    expect(reason(token(), { body: '{}' })).toBe('body-mismatch');
  });

  it('accepts an audience list holding its own, and a kid-less token when one key is trusted', () => {
    expect(() => check(signed(header(), { ...good(), aud: ['GZ/records', 'JS/records'] }))).not.toThrow();
    const only = () => createPublicKey(region.key.privateKey);
    expect(() => check(signed({ alg: 'EdDSA' }, good()), { keys: only })).not.toThrow();
    expect(() => check(signed({ alg: 'EdDSA' }, good()))).toThrow(/not signed by the gateway key/);
  });
});
