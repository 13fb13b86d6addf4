/**
 * Limits, end to end through the gateway's HTTP layer (see authorised-gateway.ts): each
 * refusal carries its stable `extensions.code`, happens before any subgraph is asked,
 * and names the limit. Rate limits are per officer, so each test uses its own officer.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LIMITS_DEFAULTS, validateLimitsConfig } from '../../gateway/limits/config.ts';
import { idNumberOf, startGatewayUnderTest, type GatewayUnderTest } from './authorised-gateway.ts';

const LIMITS = {
  maxDepth: 8,
  maxAliases: 10,
  maxTokens: 400,
  maxCost: 1000,
  defaultListSize: 20,
  rateLimit: { burst: 5, perSecond: 1 },
  bulkLookup: { threshold: 10, windowSeconds: 3600, block: false },
};

let gw: GatewayUnderTest;
let officers = 0;
const officer = (roles = ['analyst']) => gw.token({ sub: `officer-${++officers}`, roles });

beforeAll(async () => {
  gw = await startGatewayUnderTest({ limits: LIMITS, bodyLimitBytes: 4096 });
});
afterAll(async () => {
  await gw?.close();
});

const subgraphRequests = () => gw.received.records.length + gw.received.index.length + gw.received.search.length;

/** Posts `query` and expects it refused with `code` before any subgraph was asked. */
async function expectRefused(query: string, code: string, variables?: Record<string, unknown>) {
  const before = subgraphRequests();
  const { status, json } = await gw.post({ query, variables }, await officer());
  expect(json.data).toBeUndefined();
  expect(json.errors).toEqual([expect.objectContaining({ extensions: { code } })]);
  expect(subgraphRequests()).toBe(before);
  return { status, message: json.errors[0].message as string };
}

describe('query shape limits', () => {
  it('refuses an over-deep query with DEPTH_LIMIT_EXCEEDED, counting through fragments', async () => {
    const deep = `{ person(idNumber: "${idNumberOf(0)}") { cases { case { parties { person { cases { case { parties { person { idNumber } } } } } } } } } }`;
    const { status, message } = await expectRefused(deep, 'DEPTH_LIMIT_EXCEEDED');
    expect(status).toBe(400);
    expect(message).toMatch(/is 10 levels deep; the limit is 8/);
    await expectRefused(
      `{ person(idNumber: "x") { ...P } } fragment P on Person { cases { case { parties { person { cases { case { parties { person { idNumber } } } } } } } } }`,
      'DEPTH_LIMIT_EXCEEDED',
    );
  });

  it('answers a query within the depth limit', async () => {
    const { json } = await gw.post(
      { query: `{ person(idNumber: "${idNumberOf(0)}") { cases { case { caseNumber } } } }` },
      await officer(),
    );
    expect(json).toEqual({ data: { person: { cases: [{ case: { caseNumber: 'A3201022026000001' } }] } } });
  });

  it('refuses an alias bomb with ALIAS_LIMIT_EXCEEDED, counting a fragment once per spread', async () => {
    const bomb = `{ ${Array.from({ length: 11 }, (_, i) => `p${i}: personRecord(id: "JS:P${i}") { name }`).join(' ')} }`;
    expect((await expectRefused(bomb, 'ALIAS_LIMIT_EXCEEDED')).message).toMatch(/uses 11 aliases; the limit is 10/);
    const viaFragments = `{ a: personRecord(id: "JS:P1") { ...F } b: personRecord(id: "JS:P2") { ...F } }
      fragment F on PersonRecord { n1: name n2: name n3: name n4: name n5: name }`;
    expect((await expectRefused(viaFragments, 'ALIAS_LIMIT_EXCEEDED')).message).toMatch(/uses 12 aliases/);
  });

  it('refuses an expensive query with COST_LIMIT_EXCEEDED: list sizes come from `first`, literal or variable', async () => {
    const query = `query S($first: Int) { searchPersons(filter: { name: "張" }, first: $first) { edges { node { records { name } cases { role } } } } }`;
    const { message } = await expectRefused(query, 'COST_LIMIT_EXCEEDED', { first: 100 });
    expect(message).toMatch(/costs \d+; the limit is 1000/);
    const { json } = await gw.post({ query, variables: { first: 3 } }, await officer());
    expect(json.data.searchPersons.edges).toHaveLength(3);
  });

  it('decides each operation once per value of its page-size variables, and refuses it again with the same status', async () => {
    const query = `query Again($first: Int) { searchPersons(filter: { name: "張" }, first: $first) { edges { node { records { name } cases { role } } } } }`;
    for (let round = 0; round < 3; round++) {
      const refused = await gw.post({ query, variables: { first: 100 } }, await officer());
      expect(refused.status).toBe(400);
      expect(refused.json.errors[0].extensions.code).toBe('COST_LIMIT_EXCEEDED');
      const answered = await gw.post({ query, variables: { first: 2 } }, await officer());
      expect(answered.json.data.searchPersons.edges).toHaveLength(2);
    }
  });

  it('refuses a document with too many tokens', async () => {
    const regions = Array.from({ length: 450 }, (_, i) => `"${i}"`).join(' ');
    const { message } = await expectRefused(`{ person(idNumber: "x", regions: [${regions}]) { idNumber } }`, 'COST_LIMIT_EXCEEDED');
    expect(message).toMatch(/more than 400 tokens/);
  });
});

describe('request limits', () => {
  it('refuses an oversize body with HTTP 413 PAYLOAD_TOO_LARGE before parsing it', async () => {
    const before = subgraphRequests();
    const { status, json } = await gw.post({ query: `{ __typename }`, variables: { padding: 'x'.repeat(5000) } }, await officer());
    expect(status).toBe(413);
    expect(json.errors[0].extensions.code).toBe('PAYLOAD_TOO_LARGE');
    expect(subgraphRequests()).toBe(before);
  });

  it('rate-limits a burst per officer with HTTP 429 and Retry-After; other officers are unaffected', async () => {
    const token = await officer();
    const query = { query: `{ personRecord(id: "JS:P1") { name } }` };
    for (let i = 0; i < LIMITS.rateLimit.burst; i++) expect((await gw.post(query, token)).status).toBe(200);
    const limited = await gw.post(query, token);
    expect(limited.status).toBe(429);
    expect(limited.json.errors[0].extensions.code).toBe('RATE_LIMITED');
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect((await gw.post(query, await officer())).status).toBe(200);
  });

  it('counts requests that fail to parse too', async () => {
    const token = await officer();
    for (let i = 0; i < LIMITS.rateLimit.burst; i++) expect((await gw.post({ query: '{ broken' }, token)).status).toBe(400);
    const limited = await gw.post({ query: `{ personRecord(id: "JS:P1") { name } }` }, token);
    expect(limited.status).toBe(429);
    expect(limited.json.errors[0].extensions.code).toBe('RATE_LIMITED');
  });
});

describe('bulk lookups', () => {
  const search = (first: number) => ({
    query: `{ searchPersons(filter: { name: "張" }, first: ${first}) { edges { node { id: idNumber } } } }`,
  });

  it('alerts once when an officer views more distinct persons than the threshold, and still answers', async () => {
    const token = await gw.token({ sub: 'bulk-alert-officer', roles: ['analyst'] });
    expect((await gw.post(search(8), token)).json.data.searchPersons.edges).toHaveLength(8);
    expect(gw.alerts).toEqual([]);
    const crossing = await gw.post(search(12), token);
    expect(crossing.json.data.searchPersons.edges).toHaveLength(12);
    expect(gw.alerts).toEqual([
      expect.objectContaining({ caller: 'sub:bulk-alert-officer', distinctPersons: 12, threshold: 10, blocked: false }),
    ]);
    await gw.post(search(13), token);
    expect(gw.alerts).toHaveLength(1);
  });

  describe('in block mode', () => {
    let blocking: GatewayUnderTest;
    beforeAll(async () => {
      blocking = await startGatewayUnderTest({ limits: { bulkLookup: { threshold: 10, windowSeconds: 3600, block: true } } });
    });
    afterAll(async () => {
      await blocking?.close();
    });

    it('withholds a response that would cross the threshold; persons already viewed stay available', async () => {
      const token = await blocking.token({ sub: 'bulk-block-officer', roles: ['analyst'] });
      expect((await blocking.post(search(8), token)).status).toBe(200);
      const blocked = await blocking.post(search(12), token);
      expect(blocked.status).toBe(403);
      expect(blocked.json).toEqual({ errors: [expect.objectContaining({ extensions: { code: 'BULK_LOOKUP_BLOCKED' } })] });
      expect(blocked.json.errors[0].message).toMatch(/12 distinct persons within 3600 s; the limit is 10/);
      expect((await blocking.post(search(8), token)).json.data.searchPersons.edges).toHaveLength(8);
      expect((await blocking.post(search(10), token)).status).toBe(200);
      const other = await blocking.token({ sub: 'another-officer', roles: ['analyst'] });
      expect((await blocking.post(search(10), other)).status).toBe(200);
    });

    it('counts persons whose records were shown even when no identity number was selected', async () => {
      const token = await blocking.token({ sub: 'bulk-records-officer', roles: ['analyst'] });
      const records = (first: number) => ({
        query: `{ searchPersons(filter: { name: "張" }, first: ${first}) { edges { node { records { name birthDate idNumberAsRecorded } } } } }`,
      });
      const shown = await blocking.post(records(8), token);
      expect(shown.status).toBe(200);
      expect(shown.json.data.searchPersons.edges).toHaveLength(8);
      expect(JSON.stringify(shown.json)).not.toContain('_liandongKey');
      const blocked = await blocking.post(records(12), token);
      expect(blocked.status).toBe(403);
      expect(blocked.json.errors[0].message).toMatch(/12 distinct persons within 3600 s; the limit is 10/);
    });
  });
});

describe('configuration', () => {
  it('defaults every setting', () => {
    expect(validateLimitsConfig(undefined)).toEqual(LIMITS_DEFAULTS);
  });

  it('names the bad setting, what was found and what was expected', () => {
    expect(() => validateLimitsConfig({ maxDepth: 0 })).toThrow(
      'config/gateway.json: limits.maxDepth: expected an integer from 1 to 1000, got 0',
    );
    expect(() => validateLimitsConfig({ rateLimit: { burst: 'lots' } })).toThrow('limits.rateLimit.burst: expected an integer');
    expect(() => validateLimitsConfig({ bulkLookup: { block: 'yes' } })).toThrow(
      'limits.bulkLookup.block: expected true or false, got "yes"',
    );
    expect(() => validateLimitsConfig({ maxDepht: 3 })).toThrow('limits.maxDepht: unknown setting');
  });
});
