import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMemoryAdapter, type MemoryAdapter } from '../testing/memory-adapter.ts';
import { JS_REGION, LI, ZHANG, smallRegion } from '../testing/fixtures.ts';
import { startTestSubgraph, type TestSubgraph } from '../testing/harness.ts';

let adapter: MemoryAdapter;
let subgraph: TestSubgraph;

beforeAll(async () => {
  const data = smallRegion();
  // A second JS record of 張偉 (an older registration): searches must still give one node.
  data.persons.push({ ...data.persons[0], id: 'P-1-OLD', address: null });
  adapter = createMemoryAdapter(JS_REGION, data);
  subgraph = await startTestSubgraph({ adapter });
});
afterAll(() => subgraph.close());

const PERSONS = `query($f: PersonFilter!, $first: Int, $after: String, $r: [String!]) {
  searchPersons(filter: $f, first: $first, after: $after, regions: $r) {
    edges { cursor node { idNumber } } pageInfo { hasNextPage endCursor } totalCount } }`;

describe('search part', () => {
  it('pages persons with the adapter’s own cursors, one node per identity number', async () => {
    const { data, errors } = await subgraph.query('search', PERSONS, { f: { bornFrom: '1900-01-01' }, first: 10 });
    expect(errors).toBeUndefined();
    // Sorted by identity number: 張偉 (320102…) has two records, one edge ending after the second.
    expect(data!.searchPersons).toEqual({
      edges: [
        { cursor: 'o:2', node: { idNumber: ZHANG } },
        { cursor: 'o:3', node: { idNumber: LI } },
      ],
      pageInfo: { hasNextPage: false, endCursor: 'o:3' },
      totalCount: 3,
    });
  });

  it('resumes from a cursor and reports a next page', async () => {
    const first = await subgraph.query('search', PERSONS, { f: { name: '李*' }, first: 1 });
    expect(first.data!.searchPersons.edges).toEqual([{ cursor: 'o:1', node: { idNumber: LI } }]);
    const page1 = await subgraph.query('search', PERSONS, { f: { sex: 'MALE' }, first: 1 });
    expect(page1.data!.searchPersons.pageInfo).toEqual({ hasNextPage: true, endCursor: 'o:1' });
    const page2 = await subgraph.query('search', PERSONS, { f: { sex: 'MALE' }, first: 1, after: 'o:1' });
    expect(page2.data!.searchPersons.pageInfo).toEqual({ hasNextPage: false, endCursor: 'o:2' });
  });

  it('hands the adapter a normalised filter', async () => {
    const { data } = await subgraph.query(
      'search',
      `{ searchVehicles(filter: { platePrefix: "苏a·1" }, first: 5) {
      edges { cursor node { plate } } totalCount } }`,
    );
    expect(data!.searchVehicles).toEqual({ edges: [{ cursor: 'o:1', node: { plate: '蘇A12345' } }], totalCount: 1 });
    expect(adapter.callsTo('searchVehicles').at(-1)!.args).toEqual([{ platePrefix: '蘇A1' }, { first: 5, after: null }]);
    await subgraph.query(
      'search',
      `{ searchPersons(filter: { name: " 張* ", bornTo: "2000-12-31", sex: null }, after: "o:1") { totalCount } }`,
    );
    expect(adapter.callsTo('searchPersons').at(-1)!.args).toEqual([
      { name: '張*', bornTo: '2000-12-31' },
      { first: 20, after: 'o:1' },
    ]);
  });

  it('pages cases with Liandong ids as nodes', async () => {
    const { data } = await subgraph.query(
      'search',
      `{ searchCases(filter: { reportedFrom: "2026-01-01", place: "南京" }) {
      edges { cursor node { id } } pageInfo { hasNextPage endCursor } totalCount } }`,
    );
    expect(data!.searchCases).toEqual({
      edges: [{ cursor: 'o:1', node: { id: 'JS:C-2026-000001' } }],
      pageInfo: { hasNextPage: false, endCursor: 'o:1' },
      totalCount: 1,
    });
  });

  it('answers an empty page without asking the adapter when the regions argument leaves this region out', async () => {
    const before = adapter.callsTo('searchPersons').length;
    const { data } = await subgraph.query('search', PERSONS, { f: { sex: 'MALE' }, r: ['GZ'] });
    expect(data!.searchPersons).toEqual({ edges: [], pageInfo: { hasNextPage: false, endCursor: null }, totalCount: 0 });
    expect(adapter.callsTo('searchPersons').length).toBe(before);
  });

  it.each([0, 101, -1])('refuses first = %s', async (first) => {
    const { errors } = await subgraph.query('search', PERSONS, { f: { sex: 'MALE' }, first });
    expect(errors?.[0].extensions).toEqual({ code: 'BAD_USER_INPUT', field: 'first', reason: 'range' });
    expect(errors?.[0].message).toContain(`got ${first}`);
  });

  it.each([
    ['searchPersons', 'PersonFilter', '{}', 'filter', 'empty'],
    ['searchCases', 'CaseFilter', '{ place: null }', 'filter', 'empty'],
    ['searchVehicles', 'VehicleFilter', '{}', 'filter', 'empty'],
    ['searchPersons', 'PersonFilter', '{ bornFrom: "1985-02-30" }', 'bornFrom', 'date'],
    ['searchCases', 'CaseFilter', '{ reportedTo: "yesterday" }', 'reportedTo', 'date'],
    ['searchPersons', 'PersonFilter', '{ name: "  " }', 'name', 'format'],
    ['searchCases', 'CaseFilter', '{ place: "遵義\\u0000" }', 'place', 'control-character'],
    ['searchPersons', 'PersonFilter', '{ name: "張\\u0009*" }', 'name', 'control-character'],
    ['searchVehicles', 'VehicleFilter', '{ make: "x\\u007F" }', 'make', 'control-character'],
  ])('%s refuses the filter %s %s', async (field, _type, filter, badField, reason) => {
    const { errors } = await subgraph.query('search', `{ ${field}(filter: ${filter}) { totalCount } }`);
    expect(errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: badField, reason });
  });

  it.each([
    ['searchPersons', 'name, sex, bornFrom, bornTo', 'searchPersons(filter: { name: "張*" })'],
    ['searchCases', 'type, status, reportedFrom, reportedTo, place', 'searchCases(filter: { type: TELECOM_FRAUD })'],
    ['searchVehicles', 'platePrefix, make, colour, energy', 'searchVehicles(filter: { platePrefix: "蘇A1" })'],
  ])('%s with an empty filter says which fields to set and shows the smallest search that runs', async (field, fields, smallest) => {
    const { errors } = await subgraph.query('search', `{ ${field}(filter: {}) { totalCount } }`);
    expect(errors?.[0].message).toContain(`set at least one of ${fields}`);
    expect(errors?.[0].message).toContain(smallest);
    // The smallest search shown is itself accepted.
    const smallestQuery = `{ ${smallest} { totalCount } }`;
    expect((await subgraph.query('search', smallestQuery)).errors).toBeUndefined();
  });

  it('passes a cursor this region never issued back as the adapter’s BAD_USER_INPUT', async () => {
    const { errors } = await subgraph.query('search', PERSONS, { f: { sex: 'MALE' }, after: 'garbage' });
    expect(errors?.[0].extensions).toEqual({ code: 'BAD_USER_INPUT', region: 'JS' });
    expect(errors?.[0].message).toContain('garbage');
  });
});
