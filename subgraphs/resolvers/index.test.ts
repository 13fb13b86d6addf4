import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMemoryAdapter } from '../testing/memory-adapter.ts';
import { JS_REGION, LI, STRANGER, WITNESS, ZHANG, ZHANG_LEGACY, smallRegion } from '../testing/fixtures.ts';
import { startTestSubgraph, type TestSubgraph } from '../testing/harness.ts';

let subgraph: TestSubgraph;

beforeAll(async () => {
  subgraph = await startTestSubgraph({ adapter: createMemoryAdapter(JS_REGION, smallRegion()) });
});
afterAll(() => subgraph.close());

const PERSON_FIELDS = `idNumber birthDate sex regions records { id } cases { role case { id } }
  vehicles { id } wantedNotices { id } wanted`;
const PERSON = `query($n: String!, $r: [String!]) { person(idNumber: $n, regions: $r) { ${PERSON_FIELDS} } }`;

describe('index part: Person', () => {
  const zhang = {
    idNumber: ZHANG,
    birthDate: '1985-03-12',
    sex: 'MALE',
    regions: ['JS'],
    records: [{ id: 'JS:P-1' }],
    cases: [
      { role: 'SUSPECT', case: { id: 'JS:C-2026-000001' } },
      { role: 'VICTIM', case: { id: 'JS:C-2026-000002' } },
    ],
    vehicles: [{ id: 'JS:V-1' }],
    wantedNotices: [{ id: 'JS:W-1' }],
    wanted: true,
  };

  it.each([
    ['18-digit', ZHANG],
    ['15-digit legacy', ZHANG_LEGACY],
    ['spaced, full-width', ` ${ZHANG.replace(/\d/g, (d) => String.fromCharCode(d.charCodeAt(0) + 0xfee0))} `],
  ])('gathers what this region holds, asked with the %s number', async (_form, typed) => {
    const { data, errors } = await subgraph.query('index', PERSON, { n: typed });
    expect(errors).toBeUndefined();
    expect(data!.person).toEqual(zhang);
  });

  it('derives birth date and sex from the number for a person known only from a case', async () => {
    const { data } = await subgraph.query('index', PERSON, { n: WITNESS });
    expect(data!.person).toMatchObject({
      birthDate: '1979-01-01',
      sex: 'FEMALE',
      regions: ['JS'],
      records: [],
      wanted: false,
      cases: [{ role: 'WITNESS', case: { id: 'JS:C-2026-000001' } }],
    });
  });

  it('is null when this region holds nothing, or when the regions argument leaves it out', async () => {
    expect((await subgraph.query('index', PERSON, { n: STRANGER })).data).toEqual({ person: null });
    expect((await subgraph.query('index', PERSON, { n: ZHANG, r: ['GZ', 'hb'] })).data).toEqual({ person: null });
    expect((await subgraph.query('index', PERSON, { n: ZHANG, r: ['js'] })).data!.person.idNumber).toBe(ZHANG);
  });

  it.each([
    ['320102198503121230', 'check', 'expected'],
    ['3201021985031212', 'length', 'got 16'],
    ['990102198503121234', 'area', 'province code 99'],
    ['32010219850230123X', 'birth-date', '19850230'],
    ['32010219850312123A', 'format', 'digit or X'],
  ])('refuses %s with BAD_USER_INPUT reason %s', async (typed, reason, says) => {
    const { data, errors } = await subgraph.query('index', PERSON, { n: typed });
    expect(data).toEqual({ person: null });
    expect(errors?.[0].extensions).toEqual({ code: 'BAD_USER_INPUT', field: 'idNumber', reason });
    expect(errors?.[0].message).toContain(typed);
    expect(errors?.[0].message).toContain(says);
  });

  it('refuses a malformed regions argument', async () => {
    const { errors } = await subgraph.query('index', PERSON, { n: ZHANG, r: ['Jiangsu'] });
    expect(errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'regions' });
    expect(errors?.[0].message).toContain('"JIANGSU"');
  });

  it('resolves entity references for held and not-held keys alike: the key with empty lists, never null', async () => {
    const { data, errors } = await subgraph.query(
      'index',
      `query($reps: [_Any!]!) { _entities(representations: $reps) {
      ... on Person { ${PERSON_FIELDS} } } }`,
      {
        reps: [
          { __typename: 'Person', idNumber: ZHANG },
          { __typename: 'Person', idNumber: STRANGER },
          { __typename: 'Person', idNumber: LI },
        ],
      },
    );
    expect(errors).toBeUndefined();
    expect(data!._entities[0]).toEqual(zhang);
    expect(data!._entities[1]).toEqual({
      idNumber: STRANGER,
      birthDate: '1980-01-01',
      sex: 'MALE',
      regions: [],
      records: [],
      cases: [],
      vehicles: [],
      wantedNotices: [],
      wanted: false,
    });
    expect(data!._entities[2]).toMatchObject({ idNumber: LI, sex: 'FEMALE', records: [{ id: 'JS:P-2' }], wanted: false });
  });

  it('refuses a malformed representation key for that entity only', async () => {
    const { data, errors } = await subgraph.query(
      'index',
      `query($reps: [_Any!]!) { _entities(representations: $reps) {
      ... on Person { idNumber } } }`,
      {
        reps: [
          { __typename: 'Person', idNumber: 'nope' },
          { __typename: 'Person', idNumber: LI },
        ],
      },
    );
    expect(data!._entities).toEqual([null, { idNumber: LI }]);
    expect(errors).toHaveLength(1);
    expect(errors![0]).toMatchObject({ path: ['_entities', 0], extensions: { code: 'BAD_USER_INPUT', field: 'idNumber' } });
  });
});

const VEHICLE = `query($p: String!) { vehicle(plate: $p) { plate regions records { id } cases { id } alerts { id } alerted } }`;

describe('index part: Vehicle', () => {
  it('accepts the plate as printed and gathers registrations, cases and alerts', async () => {
    const { data, errors } = await subgraph.query('index', VEHICLE, { p: '苏a·12345' });
    expect(errors).toBeUndefined();
    expect(data!.vehicle).toEqual({
      plate: '蘇A12345',
      regions: ['JS'],
      records: [{ id: 'JS:V-1' }],
      cases: [{ id: 'JS:C-2026-000001' }],
      alerts: [{ id: 'JS:A-1' }],
      alerted: true,
    });
  });

  it('is null for a plate this region does not know; an entity reference gets empty lists', async () => {
    expect((await subgraph.query('index', VEHICLE, { p: '鄂A99999' })).data).toEqual({ vehicle: null });
    const { data } = await subgraph.query(
      'index',
      `{ _entities(representations: [{ __typename: "Vehicle", plate: "鄂A99999" }]) {
      ... on Vehicle { plate regions records { id } cases { id } alerts { id } alerted } } }`,
    );
    expect(data!._entities).toEqual([{ plate: '鄂A99999', regions: [], records: [], cases: [], alerts: [], alerted: false }]);
  });

  it('refuses a plate without a province character, naming it', async () => {
    const { errors } = await subgraph.query('index', VEHICLE, { p: 'XA12345' });
    expect(errors?.[0].extensions).toEqual({ code: 'BAD_USER_INPUT', field: 'plate', reason: 'province' });
    expect(errors?.[0].message).toContain('XA12345');
  });
});
