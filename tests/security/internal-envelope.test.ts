/**
 * Envelopes: several gateway requests to one region in one HTTP request, one signature
 * over the list of their own (unsigned) tokens. Each request must be checked exactly as
 * if it came alone — its caller, purpose, body, audience and single use — and one bad
 * request refuses only itself. Real HTTP against createSubgraphServer with the guard.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateKeyPairSync } from 'node:crypto';
import {
  INTERNAL_ENVELOPE_HEADER,
  INTERNAL_TOKEN_HEADER,
  MAX_ENVELOPE,
  prepareInternalToken,
  signInternalEnvelope,
  type SignRequest,
} from '../../common/security/internal-token.ts';
import type { SigningKey } from '../../common/security/key-files.ts';
import { officer, startGuardedRegion, type GuardedRegion } from './regional-subgraph.ts';

const PHONE = JSON.stringify({ query: '{ personRecord(id: "JS:P-1") { id phone } }' });
const NAME = JSON.stringify({ query: '{ personRecord(id: "JS:P-2") { id name } }' });
const PATROL = officer('JS', ['patrol-officer'], ['person:read']);
// Leads the fixture case: with the case named, the phone is served to this one only.
const LEAD = officer('JS', ['investigator'], ['person:read', 'person:contact'], 'JS-0310552');
const ON_CASE = { code: 'investigation', text: '', caseRef: 'JS:C-2026-000001' };

interface Answer {
  status: number;
  body: { data?: Record<string, any> | null; errors?: { message: string; extensions?: { code?: string } }[] };
}

let region: GuardedRegion;
beforeAll(async () => {
  region = await startGuardedRegion();
});
afterAll(() => region?.close());

/** A key the region does not trust, under the trusted key's kid (so only the signature can tell). */
const strangerKey = (): SigningKey => ({ ...region.key, privateKey: generateKeyPairSync('ed25519').privateKey });

let ids = 0;
function prepared(body: string, overrides: Partial<SignRequest> = {}): string {
  return prepareInternalToken(region.key, {
    region: 'JS',
    part: 'records',
    body,
    caller: PATROL,
    purpose: null,
    requestId: `r-${++ids}`,
    ttlSeconds: 10,
    ...overrides,
  });
}

/** Sends an envelope of `requests` (each its prepared token and body) with `token` (default: signed over their tokens). */
async function sendEnvelope(
  requests: { token: string; body: string }[],
  token = signInternalEnvelope(region.key, { region: 'JS', part: 'records', prepared: requests.map((r) => r.token), ttlSeconds: 10 }),
  part = 'records',
): Promise<{ status: number; answers?: Answer[]; errors?: { message: string; extensions?: { code?: string } }[] }> {
  const response = await fetch(`${region.server.url}/${part}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', [INTERNAL_ENVELOPE_HEADER]: token },
    body: JSON.stringify({ requests: requests.map((r, i) => ({ ...r, requestId: `env-${i}` })) }),
  });
  return { status: response.status, ...(await response.json()) };
}

describe('an envelope of requests to one region', () => {
  it('answers each request as if it came alone: its own caller and purpose decide what it sees', async () => {
    const reply = await sendEnvelope([
      { token: prepared(PHONE, { caller: LEAD, purpose: ON_CASE }), body: PHONE },
      { token: prepared(PHONE), body: PHONE },
      { token: prepared(NAME), body: NAME },
    ]);
    expect(reply.status).toBe(200);
    const [lead, patrol, name] = reply.answers!;
    expect(lead).toEqual({ status: 200, body: { data: { personRecord: { id: 'JS:P-1', phone: '13900000001' } } } });
    expect(patrol.body.data?.personRecord).toEqual({ id: 'JS:P-1', phone: null });
    expect(patrol.body.errors?.map((e) => e.extensions?.code)).toEqual(['FORBIDDEN']);
    expect(name.body.data?.personRecord).toEqual({ id: 'JS:P-2', name: expect.any(String) });
  });

  it('refuses only the request whose body is not the one its token names, or whose token the envelope does not list', async () => {
    const listed = prepared(NAME);
    const stranger = prepared(NAME);
    const token = signInternalEnvelope(region.key, {
      region: 'JS',
      part: 'records',
      prepared: [prepared(NAME), listed, listed],
      ttlSeconds: 10,
    });
    // Request 0 carries a token for NAME but PHONE's body; request 2 a token the envelope does not list at its place.
    const reply = await sendEnvelope(
      [
        { token: prepared(NAME), body: PHONE },
        { token: listed, body: NAME },
        { token: stranger, body: NAME },
      ],
      token,
    );
    expect(reply.status).toBe(200);
    const [swappedBody, good, notListed] = reply.answers!;
    expect(swappedBody.status).toBe(401);
    expect(swappedBody.body.errors?.[0]).toMatchObject({ extensions: { code: 'UNAUTHENTICATED' } });
    expect(good.status).toBe(200);
    expect(good.body.data?.personRecord.id).toBe('JS:P-2');
    expect(notListed.status).toBe(401);
    expect(notListed.body.errors?.[0].message).toMatch(/request 2 of the envelope: its token is not the one the gateway signed/);
  });

  it('refuses the whole envelope when its signature, audience, count or single use fails', async () => {
    const requests = () => [{ token: prepared(NAME), body: NAME }];
    const otherKey = strangerKey();
    const forged = await sendEnvelope(
      requests(),
      signInternalEnvelope(otherKey, { region: 'JS', part: 'records', prepared: requests().map((r) => r.token), ttlSeconds: 10 }),
    );
    expect(forged).toMatchObject({ status: 401, errors: [{ extensions: { code: 'UNAUTHENTICATED' } }] });
    expect(forged.errors![0].message).toMatch(/not signed by the gateway key/);

    const elsewhere = requests();
    const toGz = signInternalEnvelope(region.key, {
      region: 'GZ',
      part: 'records',
      prepared: elsewhere.map((r) => r.token),
      ttlSeconds: 10,
    });
    expect((await sendEnvelope(elsewhere, toGz)).errors![0].message).toMatch(/not addressed to JS\/records/);

    const two = [...requests(), ...requests()];
    const forOne = signInternalEnvelope(region.key, { region: 'JS', part: 'records', prepared: [two[0].token], ttlSeconds: 10 });
    expect((await sendEnvelope(two, forOne)).errors![0].message).toMatch(/lists 1 requests, its body carries 2/);

    const once = requests();
    const signed = signInternalEnvelope(region.key, { region: 'JS', part: 'records', prepared: once.map((r) => r.token), ttlSeconds: 10 });
    expect((await sendEnvelope(once, signed)).status).toBe(200);
    expect((await sendEnvelope(once, signed)).errors![0].message).toMatch(/already used: tokens are single-use/);
  });

  it("refuses a request's token used a second time, in a new envelope", async () => {
    const request = { token: prepared(NAME), body: NAME };
    expect((await sendEnvelope([request])).answers![0].status).toBe(200);
    const again = await sendEnvelope([request, { token: prepared(NAME), body: NAME }]);
    expect(again.answers!.map((a) => a.status)).toEqual([401, 200]);
    expect(again.answers![0].body.errors![0].message).toMatch(/already used/);
  });

  it('an unsigned prepared token sent as a token alone is refused, and an envelope body that is not one gets a 400 naming the field', async () => {
    const alone = await region.send('records', NAME, { [INTERNAL_TOKEN_HEADER]: prepared(NAME) });
    expect(alone.status).toBe(401);
    expect(alone.errors?.[0].message).toMatch(/malformed/);

    const response = await fetch(`${region.server.url}/records`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', [INTERNAL_ENVELOPE_HEADER]: 'x.y.z' },
      body: JSON.stringify({ requests: [{ token: 'a.b', body: 7 }] }),
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({
      errors: [{ message: 'envelope request 0: "body" must be a string', extensions: { code: 'BAD_REQUEST' } }],
    });
  });

  it(`refuses to sign an envelope of more than ${MAX_ENVELOPE} requests`, () => {
    expect(() =>
      signInternalEnvelope(region.key, { region: 'JS', part: 'records', prepared: Array(MAX_ENVELOPE + 1).fill('a.b'), ttlSeconds: 10 }),
    ).toThrow(/65 requests; expected 1 to 64/);
  });
});
