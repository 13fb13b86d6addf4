/**
 * Authentication and purpose of access over real HTTP: every bad token is refused with
 * 401 and a reason naming the failed check; personal data needs a purpose.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSecretKey, generateKeyPairSync } from 'node:crypto';
import { copyFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SignJWT, type JWTPayload } from 'jose';
import { devKeyFiles, DEV_AUDIENCE, DEV_ISSUER, DEMO_OFFICERS, mintDevToken, demoTokens } from '../../gateway/auth/dev-key.ts';
import { loadOrCreateSigningKey, readSigningKey, type SigningKey } from '../../common/security/key-files.ts';
import { startAuthServer, type AuthServer } from './auth-server.ts';
import { startGuardedRegion, type GuardedRegion } from './regional-subgraph.ts';
import { LI, WITNESS, ZHANG } from '../../subgraphs/testing/fixtures.ts';

const ME = '{ me { sub region roles scopes anonymous purpose caseRef caseParties } }';
const PERSON = '{ person(idNumber: "320102198503121236") { name } }';

let server: AuthServer;
let devKey: SigningKey;

beforeAll(async () => {
  server = await startAuthServer();
  devKey = await readSigningKey(devKeyFiles(server.keysDir).privateFile);
});
afterAll(async () => {
  await server?.close();
});

/** A token signed with the dev key, with any claims and header the test wants. */
async function token(claims: JWTPayload = {}, header: Record<string, unknown> = {}, key: SigningKey = devKey): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({
    iss: DEV_ISSUER,
    aud: DEV_AUDIENCE,
    sub: 'JS-0310552',
    region: 'JS',
    roles: ['investigator'],
    iat: now,
    exp: now + 300,
    ...claims,
  })
    .setProtectedHeader({ alg: 'EdDSA', kid: key.kid, ...header })
    .sign(key.privateKey);
}

const bearer = (jwt: string) => ({ authorization: `Bearer ${jwt}` });

async function refused(headers: Record<string, string>, reason: string, message: RegExp) {
  const reply = await server.post(ME, headers);
  expect(reply.status).toBe(401);
  expect(reply.body.data ?? null).toBeNull();
  const [error] = reply.body.errors;
  expect(error.extensions).toMatchObject({ code: 'UNAUTHENTICATED', reason });
  expect(error.message).toMatch(message);
  expect(reply.headers.get('www-authenticate')).toMatch(/^Bearer realm="liandong"/);
  return error;
}

describe('bearer tokens refused with 401 naming the failed check', () => {
  it('no token', () => refused({}, 'missing-token', /no bearer token.*Authorization: Bearer/));

  it('not a bearer credential, or not a JWT', async () => {
    await refused({ authorization: 'Basic dXNlcjpwYXNz' }, 'malformed', /must be "Bearer <JWT>", got "Basic "… \(18 characters\)/);
    await refused(bearer('not-a-jwt'), 'malformed', /not a JWT/);
  });

  it('a token sent without "Bearer " is not echoed back (only a few characters and its length)', async () => {
    const jwt = await token();
    const reply = await server.post(ME, { authorization: jwt });
    expect(reply.status).toBe(401);
    const [error] = reply.body.errors;
    expect(error.extensions).toMatchObject({ code: 'UNAUTHENTICATED', reason: 'malformed' });
    expect(error.message).toBe(`the Authorization header must be "Bearer <JWT>", got "${jwt.slice(0, 6)}"… (${jwt.length} characters)`);
    const signature = jwt.split('.')[2];
    expect(JSON.stringify(reply.body)).not.toContain(signature);
    expect(reply.headers.get('www-authenticate')).not.toContain(signature);
  });

  it('expired', async () => {
    const now = Math.floor(Date.now() / 1000);
    await refused(bearer(await token({ iat: now - 7200, exp: now - 3600 })), 'expired', /token expired at \d{4}-/);
  });

  it('not yet valid', async () => {
    await refused(bearer(await token({ nbf: Math.floor(Date.now() / 1000) + 3600 })), 'not-yet-valid', /not valid before \d{4}-/);
  });

  it('wrong issuer', async () => {
    await refused(
      bearer(await token({ iss: 'https://idp.example' })),
      'bad-issuer',
      /issuer "https:\/\/idp.example" is not the trusted issuer "liandong-dev"/,
    );
  });

  it('wrong audience', async () => {
    await refused(bearer(await token({ aud: 'another-app' })), 'bad-audience', /audience "another-app" does not include "liandong"/);
  });

  it('alg none', async () => {
    const [, payload] = (await token()).split('.');
    const unsigned = `${Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url')}.${payload}.`;
    await refused(bearer(unsigned), 'alg-not-allowed', /algorithm "none" is not accepted \(accepted: EdDSA\)/);
  });

  it('HS256 signed with the public key (algorithm confusion)', async () => {
    const jwks = readFileSync(devKeyFiles(server.keysDir).jwksFile);
    const forged = await new SignJWT({ iss: DEV_ISSUER, aud: DEV_AUDIENCE, sub: 'x', region: 'JS', roles: ['admin'] })
      .setProtectedHeader({ alg: 'HS256', kid: devKey.kid })
      .setIssuedAt()
      .setExpirationTime('5m')
      .sign(createSecretKey(jwks));
    await refused(bearer(forged), 'alg-not-allowed', /algorithm "HS256" is not accepted/);
  });

  it('tampered payload', async () => {
    const [header, payload, signature] = (await token({ roles: ['patrol-officer'] })).split('.');
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString());
    claims.roles = ['admin'];
    const tampered = `${header}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.${signature}`;
    await refused(bearer(tampered), 'bad-signature', /signature does not verify/);
  });

  it('unknown kid, and a foreign key claiming the trusted kid', async () => {
    const { privateKey } = generateKeyPairSync('ed25519');
    const rogue: SigningKey = { privateKey, kid: 'rogue-key', publicJwk: {} };
    await refused(bearer(await token({}, {}, rogue)), 'unknown-key', /key \(kid\) the gateway does not trust/);
    await refused(bearer(await token({}, {}, { ...rogue, kid: devKey.kid })), 'bad-signature', /signature does not verify/);
  });

  it('claims the gateway needs are missing or malformed', async () => {
    await refused(bearer(await token({ region: undefined })), 'bad-claims', /claim "region" must be a non-empty string/);
    await refused(bearer(await token({ roles: 42 as never })), 'bad-claims', /claim "roles" must be a string array/);
  });
});

describe('a valid token', () => {
  it('makes the caller: token scopes plus the scopes its roles grant', async () => {
    const reply = await server.post(ME, bearer(await token({ roles: ['patrol-officer'], scope: 'case:read' })));
    expect(reply.status).toBe(200);
    expect(reply.body.data.me).toMatchObject({
      sub: 'JS-0310552',
      region: 'JS',
      roles: ['patrol-officer'],
      anonymous: false,
      scopes: ['case:read', 'person:read', 'vehicle:read', 'wanted:read'],
    });
  });

  it('minted by the token command path (mintDevToken) and the demo tokens are accepted', async () => {
    const minted = await mintDevToken(server.keysDir, { sub: 'GZ-1', region: 'GZ', roles: ['analyst'], name: '陳靜' });
    expect((await server.post(ME, bearer(minted))).body.data.me).toMatchObject({ sub: 'GZ-1', region: 'GZ' });
    const demo = await demoTokens(server.keysDir);
    expect(demo.map((d) => d.role)).toEqual(['patrol-officer', 'investigator', 'analyst', 'hb-investigator', 'auditor', 'admin']);
    // Each demo token carries its officer's roles (the HB investigator's label names the region, its role is investigator).
    for (const [i, { token: jwt }] of demo.entries())
      expect((await server.post(ME, bearer(jwt))).body.data.me.roles).toEqual(DEMO_OFFICERS[i].roles);
  });
});

describe('introspection', () => {
  it('is refused without a token, and allowed with one', async () => {
    const query = '{ __schema { queryType { name } } }';
    expect((await server.post(query)).status).toBe(401);
    const reply = await server.post(query, bearer(await token()));
    expect(reply.body.data.__schema.queryType.name).toBe('Query');
  });

  it('is refused to anonymous callers even when anonymous access is allowed', async () => {
    const open = await startAuthServer({ allowAnonymous: true });
    try {
      const regions = await open.post('{ regions }');
      expect(regions.body.data.regions).toEqual(['JS', 'GZ', 'HB']);
      const me = await open.post('{ me { anonymous scopes } }');
      expect(me.body.data.me).toEqual({ anonymous: true, scopes: [] });
      for (const query of [
        '{ __type(name: "Person") { name } }',
        '{ ... on Query { __schema { queryType { name } } } }',
        '{ ...F } fragment F on Query { __schema { queryType { name } } }',
      ]) {
        const schema = await open.post(query);
        expect(schema.status, query).toBe(401);
        expect(schema.body.errors[0].extensions).toMatchObject({ code: 'UNAUTHENTICATED', reason: 'anonymous-introspection' });
      }
      // A token that is sent is still checked.
      expect((await open.post('{ regions }', bearer('bad'))).status).toBe(401);
    } finally {
      await open.close();
    }
  });
});

describe('purpose of access (X-Purpose)', () => {
  it('is required for personal data, naming the header and the accepted codes', async () => {
    const reply = await server.post(PERSON, bearer(await token()));
    expect(reply.status).toBe(400);
    expect(reply.body.errors[0].extensions.code).toBe('PURPOSE_REQUIRED');
    expect(reply.body.errors[0].message).toMatch(/X-Purpose.*investigation, assistance-request, patrol-check, analysis, audit/);
  });

  it('is required when personal data hides behind a fragment', async () => {
    const reply = await server.post('query { ...F } fragment F on Query { person(idNumber: "1") { name } }', bearer(await token()));
    expect(reply.body.errors[0].extensions.code).toBe('PURPOSE_REQUIRED');
  });

  it('is not required for regions or introspection', async () => {
    const headers = bearer(await token());
    expect((await server.post('{ regions }', headers)).body).toEqual({ data: { regions: ['JS', 'GZ', 'HB'] } });
    expect((await server.post('{ __schema { types { name } } }', headers)).status).toBe(200);
  });

  it('refuses an unknown purpose code, naming the accepted codes', async () => {
    const reply = await server.post(PERSON, { ...bearer(await token()), 'x-purpose': 'curiosity: just looking' });
    expect(reply.status).toBe(400);
    expect(reply.body.errors[0].extensions.code).toBe('PURPOSE_INVALID');
    expect(reply.body.errors[0].message).toMatch(
      /unknown purpose code "curiosity".*one of: investigation, assistance-request, patrol-check/,
    );
  });

  it('refuses a control character in the purpose text (here percent-encoded), naming the header and where it is', async () => {
    const reply = await server.post(PERSON, { ...bearer(await token()), 'x-purpose': 'patrol-check: stop%0AForged: line' });
    expect(reply.status).toBe(400);
    expect(reply.body.data ?? null).toBeNull();
    expect(reply.body.errors[0].extensions).toMatchObject({
      code: 'PURPOSE_INVALID',
      reason: 'control-character',
      header: 'X-Purpose',
      position: 19,
      character: 'U+000A',
    });
    expect(reply.body.errors[0].message).toMatch(/^X-Purpose holds the control character U\+000A at character 19; /);
  });

  it('accepts a known purpose with free text and records it', async () => {
    const headers = { ...bearer(await token({ roles: ['patrol-officer'] })), 'x-purpose': 'patrol-check: roadside check G2 km 1043' };
    expect((await server.post(PERSON, headers)).body.data.person.name).toBe('張偉');
    expect((await server.post(ME, headers)).body.data.me).toMatchObject({ purpose: 'patrol-check', caseRef: null });
  });

  it('withholds case-bound scopes (person:contact) while no case is named', async () => {
    const me = await server.post(ME, { ...bearer(await token()), 'x-purpose': 'patrol-check: stop' });
    expect(me.body.data.me.scopes).not.toContain('person:contact');
    expect(me.body.data.me.scopes).toContain('case:details');
  });
});

describe('a case named in X-Purpose, looked up in a real region subgraph (JS, behind the internal-token guard)', () => {
  const regions: Record<string, string> = {};
  let gateway: AuthServer;
  let js: GuardedRegion;

  beforeAll(async () => {
    gateway = await startAuthServer({ regions });
    js = await startGuardedRegion(undefined, gateway.keysDir);
    regions.JS = `${js.server.url}/records`;
    regions.HB = 'http://127.0.0.1:9/records'; // nothing listens there
  });
  afterAll(async () => {
    await js?.close();
    await gateway?.close();
  });

  const investigator = async (purpose: string) => {
    const key = await readSigningKey(devKeyFiles(gateway.keysDir).privateFile);
    return gateway.post(ME, { ...bearer(await token({ region: 'GZ' }, {}, key)), 'x-purpose': purpose });
  };

  it("keeps person:contact and attests the case's parties when the case exists", async () => {
    const reply = await investigator('investigation; case=JS:C-2026-000001: tracing the stolen car');
    expect(reply.status).toBe(200);
    expect(reply.body.data.me.scopes).toContain('person:contact');
    expect(reply.body.data.me).toMatchObject({ purpose: 'investigation', caseRef: 'JS:C-2026-000001', caseParties: [ZHANG, LI, WITNESS] });
  });

  it('refuses a case the owning region does not hold', async () => {
    const reply = await investigator('investigation; case=JS:C-2099-999999');
    expect(reply.status).toBe(400);
    expect(reply.body.errors[0].extensions.code).toBe('PURPOSE_INVALID');
    expect(reply.body.errors[0].message).toMatch(/names case JS:C-2099-999999, which region JS does not hold/);
  });

  it('refuses a case of a region the registry does not know', async () => {
    const reply = await investigator('investigation; case=XX:C-1');
    expect(reply.body.errors[0].extensions.code).toBe('PURPOSE_INVALID');
  });

  it('answers 503 when the owning region cannot be asked (fail closed, and say so)', async () => {
    const reply = await investigator('investigation; case=HB:C-2026-000001');
    expect(reply.status).toBe(503);
    expect(reply.body.errors[0].extensions.code).toBe('PURPOSE_CASE_UNVERIFIABLE');
  });

  it('refuses a purpose that needs a case reference but has none', async () => {
    const reply = await investigator('investigation: no case yet');
    expect(reply.status).toBe(400);
    expect(reply.body.errors[0].message).toMatch(/"investigation", which needs a case reference/);
  });
});

describe('production keys', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'liandong-prod-'));
  });
  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
  });
  const production = (jwksFile: string) => ({
    mode: 'production' as const,
    auth: { keysDir: dir, issuer: 'https://idp.police', audience: 'liandong', jwksFile },
  });

  it('refuse to start when the trusted key set holds the dev key, even under another name', async () => {
    await mintDevToken(dir, { sub: 'x', region: 'JS', roles: ['admin'] });
    const copy = join(dir, 'idp.jwks.json');
    copyFileSync(devKeyFiles(dir).jwksFile, copy);
    await expect(startAuthServer(production(copy))).rejects.toThrow(/trusts the dev key .*production refuses to start/);
  });

  it('verify tokens of the configured identity provider and refuse dev tokens', async () => {
    const idp = await loadOrCreateSigningKey(join(dir, 'idp.private.jwk.json'), join(dir, 'real-idp.jwks.json'));
    const prod = await startAuthServer(production(join(dir, 'real-idp.jwks.json')));
    try {
      const now = Math.floor(Date.now() / 1000);
      const jwt = await new SignJWT({
        iss: 'https://idp.police',
        aud: 'liandong',
        sub: 'JS-7',
        region: 'JS',
        roles: ['analyst'],
        iat: now,
        exp: now + 60,
      })
        .setProtectedHeader({ alg: 'EdDSA', kid: idp.kid })
        .sign(idp.privateKey);
      expect((await prod.post(ME, bearer(jwt))).body.data.me.sub).toBe('JS-7');
      const dev = await mintDevToken(dir, { sub: 'x', region: 'JS', roles: ['admin'], issuer: 'https://idp.police' });
      expect((await prod.post(ME, bearer(dev))).body.errors[0].extensions.reason).toBe('unknown-key');
    } finally {
      await prod.close();
    }
  });
});
