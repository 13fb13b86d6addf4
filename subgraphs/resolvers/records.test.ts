import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMemoryAdapter, type MemoryAdapter } from '../testing/memory-adapter.ts';
import { JS_REGION, LI, WITNESS, ZHANG, ZHANG_LEGACY, smallRegion } from '../testing/fixtures.ts';
import { startTestSubgraph, type TestSubgraph } from '../testing/harness.ts';

let adapter: MemoryAdapter;
let subgraph: TestSubgraph;

beforeAll(async () => {
  adapter = createMemoryAdapter(JS_REGION, smallRegion());
  subgraph = await startTestSubgraph({ adapter });
});
afterAll(() => subgraph.close());

const CASE = `query($id: ID!) { case(id: $id) {
  id region caseNumber type status reportedAt place lossAmount summary updatedAt
  parties { role nameAsRecorded person { idNumber } }
  vehicles { plate }
} }`;

describe('records part', () => {
  it('resolves a case of its own region with prefixed id and key-only links', async () => {
    const { data, errors } = await subgraph.query('records', CASE, { id: 'JS:C-2026-000001' });
    expect(errors).toBeUndefined();
    expect(data!.case).toMatchObject({
      id: 'JS:C-2026-000001',
      region: 'JS',
      type: 'THEFT',
      lossAmount: 12000,
      parties: [
        { role: 'SUSPECT', nameAsRecorded: '張偉', person: { idNumber: ZHANG } },
        { role: 'VICTIM', nameAsRecorded: '李娜', person: { idNumber: LI } },
        { role: 'WITNESS', nameAsRecorded: '王芳', person: { idNumber: WITNESS } },
      ],
      vehicles: [{ plate: '蘇A12345' }],
    });
  });

  it('answers null for another region’s id and for an unknown local id, without asking the adapter for the foreign one', async () => {
    const before = adapter.callsTo('casesById').length;
    const foreign = await subgraph.query('records', CASE, { id: 'GZ:C-2026-000001' });
    expect(foreign).toMatchObject({ data: { case: null } });
    expect(adapter.callsTo('casesById').length).toBe(before);
    expect(await subgraph.query('records', CASE, { id: 'JS:C-1999-999999' })).toMatchObject({ data: { case: null } });
  });

  it.each([
    ['no prefix', 'C-2026-000001'],
    ['empty local id', 'JS:'],
    ['bad region code', 'J5:C-1'],
  ])('refuses a malformed id (%s) with BAD_USER_INPUT naming the id', async (_why, id) => {
    const { errors } = await subgraph.query('records', CASE, { id });
    expect(errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'id', reason: 'format' });
    expect(errors?.[0].message).toContain(`"${id}"`);
  });

  it('serves person records with the number as recorded and the normalised one', async () => {
    const { data } = await subgraph.query(
      'records',
      `{ personRecord(id: "JS:P-1") {
      id region localId idNumberAsRecorded idNumber person { idNumber } name sex sexCodeAsRecorded birthDate address phone updatedAt } }`,
    );
    expect(data!.personRecord).toMatchObject({
      id: 'JS:P-1',
      localId: 'P-1',
      idNumberAsRecorded: ZHANG_LEGACY,
      idNumber: ZHANG,
      person: { idNumber: ZHANG },
      sex: 'MALE',
      sexCodeAsRecorded: null,
      birthDate: '1985-03-12',
    });
  });

  it('links vehicle records to their owner, or to no one', async () => {
    const { data } = await subgraph.query(
      'records',
      `{
      a: vehicleRecord(id: "JS:V-1") { id plate plateAsRecorded energy owner { idNumber } }
      b: vehicleRecord(id: "JS:V-2") { id energy owner { idNumber } } }`,
    );
    expect(data).toEqual({
      a: { id: 'JS:V-1', plate: '蘇A12345', plateAsRecorded: '苏A·12345', energy: 'FUEL', owner: { idNumber: ZHANG } },
      b: { id: 'JS:V-2', energy: 'NEW_ENERGY', owner: null },
    });
  });

  it('resolves entity references of every owned type, null for foreign or unknown ids', async () => {
    const { data, errors } = await subgraph.query(
      'records',
      `query($reps: [_Any!]!) { _entities(representations: $reps) {
      __typename
      ... on WantedNotice { id status person { idNumber } case { id caseNumber } }
      ... on VehicleAlert { id kind active vehicle { plate } case { id } }
      ... on Case { id }
      ... on PersonRecord { id name }
    } }`,
      {
        reps: [
          { __typename: 'WantedNotice', id: 'JS:W-1' },
          { __typename: 'VehicleAlert', id: 'JS:A-1' },
          { __typename: 'Case', id: 'HB:C-2026-000001' },
          { __typename: 'PersonRecord', id: 'JS:P-404' },
          { __typename: 'PersonRecord', id: 'JS:P-2' },
        ],
      },
    );
    expect(errors).toBeUndefined();
    expect(data!._entities).toEqual([
      {
        __typename: 'WantedNotice',
        id: 'JS:W-1',
        status: 'AT_LARGE',
        person: { idNumber: ZHANG },
        case: { id: 'JS:C-2026-000001', caseNumber: '蘇公刑〔2026〕1號' },
      },
      {
        __typename: 'VehicleAlert',
        id: 'JS:A-1',
        kind: 'STOLEN',
        active: true,
        vehicle: { plate: '蘇A12345' },
        case: { id: 'JS:C-2026-000001' },
      },
      null,
      null,
      { __typename: 'PersonRecord', id: 'JS:P-2', name: '李娜' },
    ]);
  });
});

describe('Case.assigned (need-to-know)', () => {
  let assignments: MemoryAdapter;
  let region: TestSubgraph;

  beforeAll(async () => {
    const data = smallRegion();
    data.cases.push({ ...data.cases[0], id: 'C-2026-000002' });
    data.officers = { ...data.officers, 'C-2026-000002': [{ officerId: 'JS-0200001', duty: 'LEAD', team: null }] };
    assignments = createMemoryAdapter(JS_REGION, data);
    // The caller the request guard would have verified from the internal token.
    region = await startTestSubgraph({
      adapter: assignments,
      contextExtension: (req) => ({
        caller: { sub: String(req.headers['x-test-sub']), region: 'JS', roles: ['investigator'], scopes: [] },
      }),
    });
  });
  afterAll(() => region.close());

  const ASSIGNED = `query($o: ID!) {
    a: case(id: "JS:C-2026-000001") { assigned(officer: $o) }
    b: case(id: "JS:C-2026-000002") { assigned(officer: $o) }
  }`;

  it("answers from the region's assignments, assisting officers of other regions included, one adapter call for all cases", async () => {
    const before = assignments.callsTo('caseOfficersById').length;
    const lead = await region.query('records', ASSIGNED, { o: 'js0310552' }, { 'x-test-sub': 'JS-0310552' });
    expect(lead).toMatchObject({ data: { a: { assigned: true }, b: { assigned: false } } });
    expect(assignments.callsTo('caseOfficersById').length - before).toBe(1);
    const assisting = await region.query('records', ASSIGNED, { o: 'GZ-0188300' }, { 'x-test-sub': 'GZ-0188300' });
    expect(assisting).toMatchObject({ data: { a: { assigned: true }, b: { assigned: false } } });
  });

  it('refuses to say whether another officer is assigned, and a malformed police number, each with a stable reason', async () => {
    const other = await region.query('records', ASSIGNED, { o: 'JS-0200001' }, { 'x-test-sub': 'JS-0310552' });
    expect(other.errors?.[0]).toMatchObject({
      message: 'Case.assigned answers only about the caller: asked about officer JS-0200001, the caller is JS-0310552',
      extensions: { code: 'FORBIDDEN', reason: 'not-own-officer-id' },
    });
    const malformed = await region.query('records', ASSIGNED, { o: '0310552' }, { 'x-test-sub': 'JS-0310552' });
    expect(malformed.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'officerId', reason: 'format' });
  });
});
