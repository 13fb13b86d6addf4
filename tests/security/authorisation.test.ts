/**
 * Field-level authorisation at the gateway, end to end: real dev JWTs, the real
 * contract supergraph, a real ApolloGateway over real subgraphs (see
 * authorised-gateway.ts). Patrol officers lack `person:contact` and `case:details`;
 * investigators hold both (schema/policy.json), `person:contact` only when their
 * X-Purpose names a case.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CASE_ID, CASE_PURPOSE, idNumberOf, startGatewayUnderTest, type GatewayUnderTest } from './authorised-gateway.ts';

const ID = idNumberOf(0);
const CONTACT = 'scope person:contact';

let gw: GatewayUnderTest;
let patrol: string;
let analyst: string;
let investigator: string;

beforeAll(async () => {
  gw = await startGatewayUnderTest();
  patrol = await gw.token({ sub: 'patrol-1', roles: ['patrol-officer'] });
  investigator = await gw.token({ sub: 'investigator-1', roles: ['investigator'] });
  analyst = await gw.token({ sub: 'analyst-1', roles: ['analyst'] });
});
afterAll(async () => {
  await gw?.close();
});

function forbidden(json: any) {
  return (json.errors ?? []).filter((e: any) => e.extensions?.code === 'FORBIDDEN');
}

describe('a field the caller lacks the scope for', () => {
  it('asked directly: null where it would be, a FORBIDDEN error at its path naming the scope, the rest answered', async () => {
    const before = { records: gw.received.records.length, index: gw.received.index.length };
    const { status, json } = await gw.post({ query: `{ person(idNumber: "${ID}") { idNumber records { name address } } }` }, patrol);
    expect(status).toBe(200);
    expect(json.data.person).toEqual({ idNumber: ID, records: [{ name: '張0', address: null }] });
    expect(forbidden(json)).toEqual([
      expect.objectContaining({
        path: ['person', 'records', 0, 'address'],
        message: expect.stringContaining('PersonRecord.address'),
        extensions: { code: 'FORBIDDEN', coordinate: 'PersonRecord.address', missing: CONTACT },
      }),
    ]);
    // The denied field never left the gateway (the records' names come from the index part).
    const sent = [...gw.received.index.slice(before.index), ...gw.received.records.slice(before.records)];
    expect(sent.length).toBeGreaterThan(0);
    expect(sent.join('\n')).not.toContain('address');
  });

  it('through an alias: the error path uses the response key', async () => {
    const { json } = await gw.post({ query: `{ person(idNumber: "${ID}") { records { home: address label: name } } }` }, patrol);
    expect(json.data.person.records).toEqual([{ home: null, label: '張0' }]);
    expect(forbidden(json).map((e: any) => e.path)).toEqual([['person', 'records', 0, 'home']]);
  });

  it('through a named fragment spread in two places: withheld at both', async () => {
    const query = `
      query Q($id: String!, $rid: ID!) {
        person(idNumber: $id) { records { ...Contact } }
        personRecord(id: $rid) { ...Contact }
      }
      fragment Contact on PersonRecord { name phone }`;
    const { json } = await gw.post({ query, variables: { id: ID, rid: 'JS:P0' } }, patrol);
    expect(json.data).toEqual({ person: { records: [{ name: '張0', phone: null }] }, personRecord: { name: '張0', phone: null } });
    expect(forbidden(json).map((e: any) => e.path)).toEqual(
      expect.arrayContaining([
        ['person', 'records', 0, 'phone'],
        ['personRecord', 'phone'],
      ]),
    );
    expect(forbidden(json)).toHaveLength(2);
  });

  it('through an inline fragment with a type condition', async () => {
    const { json } = await gw.post({ query: `{ personRecord(id: "JS:P1") { id ... on PersonRecord { phone address } } }` }, patrol);
    expect(json.data.personRecord).toEqual({ id: 'JS:P1', phone: null, address: null });
    expect(
      forbidden(json)
        .map((e: any) => e.extensions.coordinate)
        .sort(),
    ).toEqual(['PersonRecord.address', 'PersonRecord.phone']);
  });

  it('through a variable-driven @include: denied when included, silent when skipped', async () => {
    const query = `query Q($contact: Boolean!) { personRecord(id: "JS:P2") { name address @include(if: $contact) } }`;
    const included = await gw.post({ query, variables: { contact: true } }, patrol);
    expect(included.json.data.personRecord).toEqual({ name: '張2', address: null });
    expect(forbidden(included.json).map((e: any) => e.path)).toEqual([['personRecord', 'address']]);
    const skipped = await gw.post({ query, variables: { contact: false } }, patrol);
    expect(skipped.json).toEqual({ data: { personRecord: { name: '張2' } } });
  });

  it('on a case: the summary needs case:details', async () => {
    const { json } = await gw.post({ query: `{ case(id: "${CASE_ID}") { caseNumber summary } }` }, analyst);
    expect(json.data.case).toEqual({ caseNumber: 'A3201022026000001', summary: null });
    expect(forbidden(json)[0].extensions.missing).toBe('scope case:details');
  });
});

describe('a scope the role grants but the purpose does not unlock', () => {
  it('is denied with a note saying what would unlock it', async () => {
    const { json } = await gw.post({ query: `{ personRecord(id: "JS:P0") { name address } }` }, investigator, { 'x-purpose': 'analysis' });
    expect(json.data.personRecord).toEqual({ name: '張0', address: null });
    expect(forbidden(json)[0].message).toMatch(
      /missing scope person:contact\. Note: scope person:contact counts only when X-Purpose names an existing case/,
    );
    const withCase = await gw.post({ query: `{ personRecord(id: "JS:P0") { address } }` }, investigator, CASE_PURPOSE);
    expect(withCase.json).toEqual({ data: { personRecord: { address: '南京市鼓樓區0號' } } });
  });
});

describe('two officers sending the same query text', () => {
  const query = `query Same($id: String!) { person(idNumber: $id) { records { name phone address } cases { case { caseNumber summary } } } }`;
  const investigatorView = {
    records: [{ name: '張0', phone: '1390000000', address: '南京市鼓樓區0號' }],
    cases: [{ case: { caseNumber: 'A3201022026000001', summary: 'Bicycle stolen outside the station.' } }],
  };
  const analystView = {
    records: [{ name: '張0', phone: null, address: null }],
    cases: [{ case: { caseNumber: 'A3201022026000001', summary: null } }],
  };

  // The plan-cache test: a plan cached for one officer's filtered text must never serve the other.
  it.each([
    ['analyst first', 0],
    ['investigator first', 1],
  ])('each gets exactly their fields, alternating (%s)', async (_, offset) => {
    const before = gw.received.records.length;
    for (let i = 0; i < 12; i++) {
      const asInvestigator = (i + offset) % 2 === 1;
      const { json } = asInvestigator
        ? await gw.post({ query, variables: { id: ID } }, investigator, CASE_PURPOSE)
        : await gw.post({ query, variables: { id: ID } }, analyst);
      if (asInvestigator) {
        expect(json).toEqual({ data: { person: investigatorView } });
      } else {
        expect(json.data.person).toEqual(analystView);
        expect(
          forbidden(json)
            .map((e: any) => e.extensions.coordinate)
            .sort(),
        ).toEqual(['Case.summary', 'PersonRecord.address', 'PersonRecord.phone']);
      }
    }
    // Contact details were fetched for the six investigator requests only.
    const fetchedContact = gw.received.records.slice(before).filter((q) => q.includes('phone'));
    expect(fetchedContact).toHaveLength(6);
  });
});

describe('what each role sees of the same person', () => {
  const query = `query P($id: String!) { person(idNumber: $id) { records { name phone address } cases { case { caseNumber summary } } } }`;
  const denied = (json: any) =>
    forbidden(json)
      .map((e: any) => e.extensions.coordinate)
      .sort();

  it.each([
    ['patrol-officer', ['CaseInvolvement.case', 'PersonRecord.address', 'PersonRecord.phone']],
    ['analyst', ['Case.summary', 'PersonRecord.address', 'PersonRecord.phone']],
    ['investigator', []],
    ['admin', []],
  ])('%s', async (role, withheld) => {
    const token = await gw.token({ sub: `role-${role}`, roles: [role] });
    const { json } = await gw.post({ query, variables: { id: ID } }, token, CASE_PURPOSE);
    expect(denied(json)).toEqual(withheld);
    const record = json.data.person.records[0];
    expect(record.name).toBe('張0');
    expect(record.address === null).toBe(withheld.includes('PersonRecord.address'));
    const summary = json.data.person.cases[0].case?.summary ?? null;
    expect(summary === null).toBe(withheld.includes('Case.summary') || withheld.includes('CaseInvolvement.case'));
  });
});

describe('authentication requirements', () => {
  it('an anonymous caller gets authentication named as missing; a nullable root field becomes null', async () => {
    const { json } = await gw.post({ query: `{ person(idNumber: "${ID}") { idNumber } }` });
    expect(json.data).toEqual({ person: null });
    expect(forbidden(json)).toEqual([
      expect.objectContaining({ path: ['person'], extensions: expect.objectContaining({ missing: 'authentication; scope person:read' }) }),
    ]);
  });

  it('a denied non-null root field nulls `data`, as GraphQL null propagation would', async () => {
    const { json } = await gw.post({ query: '{ searchPersons(filter: { name: "張" }) { totalCount } }' });
    expect(json.data).toBeNull();
    expect(forbidden(json)[0]).toMatchObject({ path: ['searchPersons'], extensions: { coordinate: 'Query.searchPersons' } });
  });

  it('introspection without a token is refused with UNAUTHENTICATED; with one it is answered', async () => {
    const anonymous = await gw.post({ query: '{ __schema { queryType { name } } }' });
    expect(anonymous.status).toBe(401);
    expect(anonymous.json.errors[0].extensions.code).toBe('UNAUTHENTICATED');
    expect(anonymous.json.data).toBeUndefined();
    const viaFragment = await gw.post({ query: 'query { ...F } fragment F on Query { __type(name: "Person") { name } }' });
    expect(viaFragment.json.errors[0].extensions.code).toBe('UNAUTHENTICATED');
    const authenticated = await gw.post({ query: '{ __schema { queryType { name } } }' }, patrol);
    expect(authenticated.json).toEqual({ data: { __schema: { queryType: { name: 'Query' } } } });
  });
});

describe('reject-whole-operation mode', () => {
  let strict: GatewayUnderTest;
  beforeAll(async () => {
    strict = await startGatewayUnderTest({ authorisation: { rejectWholeOperation: true } });
  });
  afterAll(async () => {
    await strict?.close();
  });

  it('refuses an operation asking for a denied field: one FORBIDDEN error listing it, no data, nothing executed', async () => {
    const token = await strict.token({ sub: 'patrol-2', roles: ['patrol-officer'] });
    const { status, json } = await strict.post({ query: `{ person(idNumber: "${ID}") { idNumber records { a: address phone } } }` }, token);
    expect(status).toBe(403);
    expect(json.data).toBeUndefined();
    expect(json.errors).toHaveLength(1);
    expect(json.errors[0].extensions.code).toBe('FORBIDDEN');
    expect(json.errors[0].message).toContain('PersonRecord.address');
    expect(json.errors[0].extensions.denied.map((d: any) => d.path.join('.'))).toEqual(['person.records.a', 'person.records.phone']);
    expect(strict.received.index.concat(strict.received.records)).toEqual([]);
  });

  it('runs an operation the caller may see in full', async () => {
    const token = await strict.token({ sub: 'investigator-2', roles: ['investigator'] });
    const { json } = await strict.post({ query: `{ person(idNumber: "${ID}") { records { address } } }` }, token, CASE_PURPOSE);
    expect(json).toEqual({ data: { person: { records: [{ address: '南京市鼓樓區0號' }] } } });
  });
});
