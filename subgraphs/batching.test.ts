/**
 * No N+1: every level of a query costs one adapter call per lookup kind, however many
 * entities the level holds (the per-request DataLoaders batch them).
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createMemoryAdapter, type MemoryAdapter } from './testing/memory-adapter.ts';
import { JS_REGION, STRANGER, WITNESS, ZHANG, manyCases, smallRegion } from './testing/fixtures.ts';
import { startTestSubgraph, type TestSubgraph } from './testing/harness.ts';

const N = 50;
let adapter: MemoryAdapter;
let subgraph: TestSubgraph;

beforeAll(async () => {
  adapter = createMemoryAdapter(JS_REGION, manyCases(N));
  subgraph = await startTestSubgraph({ adapter });
});
afterAll(() => subgraph.close());
beforeEach(() => {
  adapter.calls.length = 0;
});

const caseIds = Array.from({ length: N }, (_, i) => `JS:C-2026-${String(i + 1).padStart(6, '0')}`);
const callCounts = () => Object.fromEntries([...new Set(adapter.calls.map((c) => c.method))].map((m) => [m, adapter.callsTo(m).length]));

describe('batching', () => {
  it('50 cases’ suspects, level by level: one adapter call per lookup per level', async () => {
    // Level 1 (records part): the cases, as the gateway fetches them after a search.
    const cases = await subgraph.query(
      'records',
      `query($reps: [_Any!]!) { _entities(representations: $reps) {
      ... on Case { id parties { role person { idNumber } } } } }`,
      { reps: caseIds.map((id) => ({ __typename: 'Case', id })) },
    );
    expect(cases.errors).toBeUndefined();
    expect(callCounts()).toEqual({ casesById: 1 });
    expect(adapter.callsTo('casesById')[0].keys).toHaveLength(N);

    // Level 2 (index part): the suspects, with everything this region holds about them.
    const suspects = cases.data!._entities.map((c: any) => ({ __typename: 'Person', idNumber: c.parties[0].person.idNumber }));
    adapter.calls.length = 0;
    const persons = await subgraph.query(
      'index',
      `query($reps: [_Any!]!) { _entities(representations: $reps) {
      ... on Person { idNumber regions records { id } cases { case { id } } vehicles { id } wantedNotices { id } wanted } } }`,
      { reps: suspects },
    );
    expect(persons.errors).toBeUndefined();
    expect(persons.data!._entities).toHaveLength(N);
    expect(persons.data!._entities.every((p: any) => p.wanted && p.records.length === 1)).toBe(true);
    expect(callCounts()).toEqual({
      personRecordsByIdNumber: 1,
      involvementsByIdNumber: 1,
      vehicleRecordsByOwner: 1,
      wantedNoticesByIdNumber: 1,
    });
    expect(adapter.callsTo('personRecordsByIdNumber')[0].keys).toHaveLength(N);
  });

  it('nested levels inside one part: notices → their cases → one call each', async () => {
    const reps = Array.from({ length: N }, (_, i) => ({ __typename: 'WantedNotice', id: `JS:W-${i + 1}` }));
    const { data, errors } = await subgraph.query(
      'records',
      `query($reps: [_Any!]!) { _entities(representations: $reps) {
      ... on WantedNotice { id case { id parties { person { idNumber } } } } } }`,
      { reps },
    );
    expect(errors).toBeUndefined();
    expect(data!._entities.every((n: any) => n.case.parties.length === 1)).toBe(true);
    expect(callCounts()).toEqual({ wantedNoticesById: 1, casesById: 1 });
  });

  it('the same key asked twice in a request is loaded once; a new request loads again', async () => {
    const query = `{ a: case(id: "JS:C-2026-000001") { id } b: case(id: "js:C-2026-000001") { id } }`;
    expect((await subgraph.query('records', query)).data).toEqual({ a: { id: 'JS:C-2026-000001' }, b: { id: 'JS:C-2026-000001' } });
    expect(adapter.callsTo('casesById').map((c) => c.keys)).toEqual([['C-2026-000001']]);
    await subgraph.query('records', query);
    expect(adapter.callsTo('casesById')).toHaveLength(2);
  });

  it('splits batches at maxBatchSize', async () => {
    const small = await startTestSubgraph({ adapter, maxBatchSize: 20 });
    try {
      await small.query('records', `query($reps: [_Any!]!) { _entities(representations: $reps) { ... on Case { id } } }`, {
        reps: caseIds.map((id) => ({ __typename: 'Case', id })),
      });
      expect(adapter.callsTo('casesById').map((c) => c.keys.length)).toEqual([20, 20, 10]);
    } finally {
      await small.close();
    }
  });
});

describe('whether the region holds a person: what the lookup shows first', () => {
  let small: MemoryAdapter;
  let region: TestSubgraph;
  beforeAll(async () => {
    small = createMemoryAdapter(JS_REGION, smallRegion());
    region = await startTestSubgraph({ adapter: small });
  });
  afterAll(() => region.close());

  const LOOKUP = `query($n: String!) { person(idNumber: $n) { idNumber regions wanted records { id name } } }`;
  const methods = () => small.calls.map((c) => c.method).sort();

  it('a person with a record: two adapter calls (records, notices), never cases or vehicles', async () => {
    small.calls.length = 0;
    const { data, errors } = await region.query('index', LOOKUP, { n: ZHANG });
    expect(errors).toBeUndefined();
    expect(data!.person).toEqual({ idNumber: ZHANG, regions: ['JS'], wanted: true, records: [{ id: 'JS:P-1', name: '張偉' }] });
    expect(methods()).toEqual(['personRecordsByIdNumber', 'wantedNoticesByIdNumber']);
  });

  it('a person held only as a case party is still held (cases and vehicles asked after); one held by nothing is null', async () => {
    small.calls.length = 0;
    const witness = await region.query('index', LOOKUP, { n: WITNESS });
    expect(witness.errors).toBeUndefined();
    expect(witness.data!.person).toEqual({ idNumber: WITNESS, regions: ['JS'], wanted: false, records: [] });
    expect(methods()).toEqual(['involvementsByIdNumber', 'personRecordsByIdNumber', 'vehicleRecordsByOwner', 'wantedNoticesByIdNumber']);
    expect((await region.query('index', LOOKUP, { n: STRANGER })).data).toEqual({ person: null });
  });
});
