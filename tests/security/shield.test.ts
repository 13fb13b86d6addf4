/**
 * graphql-shield rules generated from the contract and the policy file, enforced by a
 * real regional subgraph (region JS) over HTTP, with callers from the internal token.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { parse } from 'graphql';
import { idNumberCheckChar } from '../../common/normalise/index.ts';
import { loadPolicy, validatePolicy } from '../../schema/policy.ts';
import { buildContractSchemas } from '../../subgraphs/contract.ts';
import { allow } from 'graphql-shield';
import { applyDataRules, assertSensitiveFieldsRuled } from '../../subgraphs/security/shield.ts';
import { smallRegion, ZHANG } from '../../subgraphs/testing/fixtures.ts';
import { officer, startGuardedRegion, type GuardedRegion } from './regional-subgraph.ts';

/** A JS person record that no case involves. */
const LONER_ID = `32010219700101011${idNumberCheckChar('32010219700101011')}`;

const CONTACT = '{ personRecord(id: $id) { id name phone address } }';
const CONTACT_QUERY = `query Contact($id: ID!) ${CONTACT}`;
// Of the team assisting the fixture case JS:C-2026-000001 (subgraphs/testing/fixtures.ts, CASE_OFFICERS).
const GZ_INVESTIGATOR = officer('GZ', ['investigator'], ['person:read', 'person:contact', 'case:read', 'case:details'], 'GZ-0188300');
const JS_LEAD = officer('JS', ['investigator'], ['person:read', 'person:contact'], 'JS-0310552');
const ON_JS_CASE = { code: 'investigation', text: '', caseRef: 'JS:C-2026-000001' };

let region: GuardedRegion;

beforeAll(async () => {
  const data = smallRegion();
  data.persons.push({
    ...data.persons[0],
    id: 'P-9',
    idNumber: LONER_ID,
    idNumberAsRecorded: LONER_ID,
    name: '孤雲',
    phone: '13900000009',
  });
  region = await startGuardedRegion(data);
});
afterAll(async () => {
  await region?.close();
});

const forbiddenAt = (reply: { errors?: { path?: (string | number)[]; extensions?: Record<string, any> }[] }, field: string) =>
  reply.errors?.find((e) => e.path?.at(-1) === field && e.extensions?.code === 'FORBIDDEN');

describe('contact details of a person record (PersonRecord.phone / address)', () => {
  it("are served to an officer of the record's own region holding person:contact and assigned to the named case (sameRegion, assignedToCase)", async () => {
    const reply = await region.ask('records', CONTACT_QUERY, { id: 'JS:P-9' }, { caller: JS_LEAD, purpose: ON_JS_CASE });
    expect(reply.errors).toBeUndefined();
    expect(reply.data?.personRecord).toMatchObject({ name: '孤雲', phone: '13900000009' });
  });

  it('are refused, by the region that holds the case, to an officer it does not list on the case even when the token carries person:contact', async () => {
    // Defence in depth: the gateway withholds the scope from such an officer; this region checks its own assignments anyway.
    const unassigned = officer('JS', ['investigator'], ['person:read', 'person:contact'], 'JS-0999999');
    const reply = await region.ask('records', CONTACT_QUERY, { id: 'JS:P-1' }, { caller: unassigned, purpose: ON_JS_CASE });
    expect(reply.data?.personRecord).toMatchObject({ name: '張偉', phone: null, address: null });
    expect(forbiddenAt(reply, 'phone')?.extensions?.missing).toBe(
      'policy sameRegion and assignedToCase | assistingTeam and assignedToCase | assistanceLink and assignedToCase',
    );
    const noCase = await region.ask('records', CONTACT_QUERY, { id: 'JS:P-1' }, { caller: JS_LEAD });
    expect(noCase.data?.personRecord.phone).toBeNull();
  });

  it("are served to another region's investigator on the assisting team of this region's case involving the person (assistingTeam)", async () => {
    const reply = await region.ask('records', CONTACT_QUERY, { id: 'JS:P-1' }, { caller: GZ_INVESTIGATOR, purpose: ON_JS_CASE });
    expect(reply.errors).toBeUndefined();
    expect(reply.data?.personRecord.phone).toBe('13900000001');
  });

  it('are refused to that investigator for a person the named case does not involve', async () => {
    const reply = await region.ask('records', CONTACT_QUERY, { id: 'JS:P-9' }, { caller: GZ_INVESTIGATOR, purpose: ON_JS_CASE });
    expect(reply.data?.personRecord).toMatchObject({ name: '孤雲', phone: null, address: null });
    expect(forbiddenAt(reply, 'phone')?.extensions?.missing).toBe(
      'policy sameRegion and assignedToCase | assistingTeam and assignedToCase | assistanceLink and assignedToCase',
    );
    expect(forbiddenAt(reply, 'address')).toBeDefined();
  });

  it("are refused to another region's investigator without a case in the purpose", async () => {
    const reply = await region.ask(
      'records',
      CONTACT_QUERY,
      { id: 'JS:P-1' },
      { caller: GZ_INVESTIGATOR, purpose: { code: 'patrol-check', text: 'roadside', caseRef: null } },
    );
    expect(reply.data?.personRecord.phone).toBeNull();
    expect(forbiddenAt(reply, 'phone')).toBeDefined();
  });

  it("are refused for another region's case even when the gateway attests the person is its party: only an answered assistance request grants them", async () => {
    const onGzCase = { code: 'investigation', text: '', caseRef: 'GZ:C-2026-000777' };
    const attested = await region.ask(
      'records',
      CONTACT_QUERY,
      { id: 'JS:P-1' },
      { caller: GZ_INVESTIGATOR, purpose: { ...onGzCase, caseParties: [ZHANG], callerAssigned: true } },
    );
    expect(attested.data?.personRecord.phone).toBeNull();
    expect(forbiddenAt(attested, 'phone')).toBeDefined();
    const unattested = await region.ask('records', CONTACT_QUERY, { id: 'JS:P-1' }, { caller: GZ_INVESTIGATOR, purpose: onGzCase });
    expect(unattested.data?.personRecord.phone).toBeNull();
    const notAssigned = await region.ask(
      'records',
      CONTACT_QUERY,
      { id: 'JS:P-1' },
      { caller: GZ_INVESTIGATOR, purpose: { ...onGzCase, caseParties: [ZHANG], callerAssigned: false } },
    );
    expect(notAssigned.data?.personRecord.phone).toBeNull();
  });

  it('are refused to a non-investigator of another region even with a case and the scope', async () => {
    const patrol = officer('GZ', ['patrol-officer'], ['person:read', 'person:contact']);
    const reply = await region.ask('records', CONTACT_QUERY, { id: 'JS:P-1' }, { caller: patrol, purpose: ON_JS_CASE });
    expect(reply.data?.personRecord.phone).toBeNull();
  });

  it('are refused without the person:contact scope, naming the scope', async () => {
    const analyst = officer('JS', ['analyst'], ['person:read', 'case:read']);
    const reply = await region.ask('records', CONTACT_QUERY, { id: 'JS:P-1' }, { caller: analyst });
    expect(reply.data?.personRecord).toMatchObject({ name: '張偉', phone: null });
    expect(forbiddenAt(reply, 'phone')?.extensions?.missing).toBe('scope person:contact');
  });

  it('are decided per record within one request (no verdict reused across records)', async () => {
    const query = 'query($r: [_Any!]!) { _entities(representations: $r) { ... on PersonRecord { id phone } } }';
    const representations = [
      { __typename: 'PersonRecord', id: 'JS:P-1' },
      { __typename: 'PersonRecord', id: 'JS:P-9' },
    ];
    const reply = await region.ask('records', query, { r: representations }, { caller: GZ_INVESTIGATOR, purpose: ON_JS_CASE });
    expect(reply.data?._entities).toEqual([
      { id: 'JS:P-1', phone: '13900000001' },
      { id: 'JS:P-9', phone: null },
    ]);
    expect(reply.errors?.map((e) => e.path)).toEqual([['_entities', 1, 'phone']]);
  });

  it('are denied without leaking internal error text when a fact cannot be read', async () => {
    region.adapter.failWith('casesById', new Error('SQLITE_BUSY: database /srv/js/cases.db is locked'));
    try {
      const reply = await region.ask('records', CONTACT_QUERY, { id: 'JS:P-1' }, { caller: GZ_INVESTIGATOR, purpose: ON_JS_CASE });
      expect(reply.data?.personRecord.phone).toBeNull();
      expect(forbiddenAt(reply, 'phone')).toBeDefined();
      expect(JSON.stringify(reply)).not.toMatch(/SQLITE|cases\.db/);
    } finally {
      region.adapter.failWith('casesById', null);
    }
  });
});

describe('other generated rules', () => {
  it('Case.summary needs case:details', async () => {
    const query = '{ case(id: "JS:C-2026-000001") { id summary } }';
    const investigator = await region.ask('records', query, {}, { caller: officer('JS', ['investigator'], ['case:read', 'case:details']) });
    expect(investigator.data?.case.summary).toBe('停車場車輛被盜');
    const analyst = await region.ask('records', query, {}, { caller: officer('JS', ['analyst'], ['case:read']) });
    expect(analyst.data?.case).toEqual({ id: 'JS:C-2026-000001', summary: null });
    expect(forbiddenAt(analyst, 'summary')?.extensions?.missing).toBe('scope case:details');
  });

  it('@authenticated refuses an anonymous caller', async () => {
    const anonymous = { sub: 'anonymous', name: 'anonymous', region: '', roles: [], scopes: [], anonymous: true };
    const reply = await region.ask('records', CONTACT_QUERY, { id: 'JS:P-1' }, { caller: anonymous });
    expect(reply.data?.personRecord).toBeNull();
    expect(forbiddenAt(reply, 'personRecord')?.extensions?.missing).toBe('an authenticated caller');
  });

  it('leaves federation plumbing and unmarked value types reachable', async () => {
    const sdl = await region.ask('records', '{ _service { sdl } }', {}, { caller: officer('JS', [], []) });
    expect(sdl.data?._service.sdl).toContain('type PersonRecord');
    const parties = await region.ask(
      'records',
      '{ case(id: "JS:C-2026-000001") { parties { role nameAsRecorded } } }',
      {},
      { caller: officer('JS', ['analyst'], ['case:read']) },
    );
    expect(parties.errors).toBeUndefined();
    expect(parties.data?.case.parties).toHaveLength(3);
  });
});

describe('start-up checks', () => {
  const policy = loadPolicy();

  it('accept every part of the real contract', () => {
    for (const schema of Object.values(buildContractSchemas())) expect(() => applyDataRules(schema, policy)).not.toThrow();
  });

  it('every dataRules coordinate names a field of the contract', () => {
    const schemas = Object.values(buildContractSchemas());
    for (const coordinate of Object.keys(policy.dataRules)) {
      const [type, field] = coordinate.split('.');
      const found = schemas.some((s) => (s.getType(type) as { getFields?: () => Record<string, unknown> })?.getFields?.()[field]);
      expect(found, coordinate).toBeTruthy();
    }
  });

  const sdl = (directive: string) =>
    parse(`
    extend schema @link(url: "https://specs.apollo.dev/federation/v2.6", import: ["@key", "@authenticated", "@requiresScopes", "@policy"])
    type Query { secret: String ${directive} }`);

  it('fail when a field names a policy the policy file does not define', () => {
    const schema = buildSubgraphSchema({ typeDefs: sdl('@policy(policies: [["noSuchPolicy"]])') });
    expect(() => applyDataRules(schema, policy)).toThrow(/policy "noSuchPolicy", which the policy file does not define/);
  });

  it('fail when a field needs a scope the policy file does not define', () => {
    const schema = buildSubgraphSchema({ typeDefs: sdl('@requiresScopes(scopes: [["person:contacts"]])') });
    expect(() => applyDataRules(schema, policy)).toThrow(/scope "person:contacts"/);
  });

  it('fail when a sensitive field is left without a rule, or with only `allow`', () => {
    const schema = buildSubgraphSchema({ typeDefs: sdl('@requiresScopes(scopes: [["person:contact"]])') });
    expect(() => assertSensitiveFieldsRuled(schema, policy, {})).toThrow(/sensitive fields without a rule: Query.secret/);
    expect(() => assertSensitiveFieldsRuled(schema, policy, { Query: { secret: allow } })).toThrow(/Query.secret/);
  });

  it('treat a field the policy file gives a data rule as sensitive', () => {
    const withRule = validatePolicy({ ...JSON.parse(JSON.stringify(policy)), dataRules: { 'Query.secret': [['sameRegion']] } });
    const schema = buildSubgraphSchema({ typeDefs: sdl('') });
    expect(() => assertSensitiveFieldsRuled(schema, withRule, {})).toThrow(/Query.secret/);
    expect(() => applyDataRules(schema, withRule)).not.toThrow();
  });
});
