/**
 * The region data sources under a real @apollo/gateway (real planner) over the regional
 * contract, against three real fixture subgraphs over HTTP.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { GZ_DATA, HB_DATA, JS_DATA, P1, P2, P3, PLATE } from './fixtures/fixture-data.ts';
import { regionalUrl } from '../compose.ts';
import { startGateway } from './fixtures/gateway-harness.ts';
import { closeRegionClients, createDataSource } from './index.ts';
import { newReport } from '../../context.ts';
import { BROKEN_RECORD, fixtureDirectory, REFUSED_ID, startFixtureRegion, type FixtureRegion } from './fixtures/fixture-regions.ts';

let js: FixtureRegion, gz: FixtureRegion, hb: FixtureRegion;
let gateway: Awaited<ReturnType<typeof startGateway>>;

beforeAll(async () => {
  [js, gz, hb] = await Promise.all([
    startFixtureRegion('JS', JS_DATA),
    startFixtureRegion('GZ', GZ_DATA),
    startFixtureRegion('HB', HB_DATA),
  ]);
  gateway = await startGateway({ registry: fixtureDirectory([js.entry(), gz.entry(), hb.entry()]) });
});

afterAll(async () => {
  await gateway?.stop();
  await Promise.all([js, gz, hb].map((r) => r?.stop()));
});

beforeEach(() => {
  for (const region of [js, gz, hb]) region.resetCounts();
});

const PERSON = /* GraphQL */ `
  query Person($id: String!, $regions: [String!]) {
    person(idNumber: $id, regions: $regions) {
      idNumber birthDate wanted regions
      records { id region name }
      cases { role case { id place } }
      vehicles { id colour vehicle { plate records { id } } }
    }
  }`;

describe('fanned-out index part', () => {
  it('gathers one person from every region and merges the answers', async () => {
    const { data, errors, report } = await gateway.query(PERSON, { id: P1 });
    expect(errors).toBeUndefined();
    const person = data!.person as Record<string, any>;
    expect(person.regions).toEqual(['JS', 'GZ', 'HB']);
    expect(person.records.map((r: { id: string }) => r.id)).toEqual(['JS:P-1', 'GZ:P-9', 'HB:P-4']);
    expect(person.cases.map((c: { case: { id: string } }) => c.case.id)).toEqual(['JS:C-1', 'HB:C-2']);
    expect(person.cases[1].case.place).toBe('Wuhan');
    // Registrations from JS and HB; each links to the one global vehicle holding both.
    const vehicle = { plate: PLATE, records: [{ id: 'JS:V-5' }, { id: 'HB:V-1' }] };
    expect(person.vehicles).toEqual([
      { id: 'JS:V-5', colour: 'blue', vehicle },
      { id: 'HB:V-1', colour: 'red', vehicle },
    ]);
    // GZ records another birth date: the first region's value is kept and the conflict reported.
    expect(person.birthDate).toBe('1990-03-07');
    expect(report.conflicts).toContainEqual({ path: ['person', 'birthDate'], values: { JS: '1990-03-07', GZ: '1990-01-02' } });
    // Two index fetches: the person, then the vehicles (which GZ does not know).
    expect(report.regions.filter((o) => o.subgraph === 'index').map((o) => `${o.region}:${o.status}`)).toEqual([
      'JS:hit',
      'GZ:hit',
      'HB:hit',
      'JS:hit',
      'GZ:miss',
      'HB:hit',
    ]);
  });

  it('is wanted when any region says so', async () => {
    const { data } = await gateway.query(PERSON, { id: P3 });
    expect((data!.person as { wanted: boolean }).wanted).toBe(true);
  });

  it('asks only the regions a regions: filter names, and records the others as skipped', async () => {
    const { data, report } = await gateway.query(PERSON, { id: P1, regions: ['GZ'] });
    expect((data!.person as { regions: string[] }).regions).toEqual(['GZ']);
    expect([js.counts.index, gz.counts.index, hb.counts.index]).toEqual([0, 1, 0]);
    expect(report.regions.filter((o) => o.subgraph === 'index').map((o) => `${o.region}:${o.status}`)).toEqual([
      'GZ:hit',
      'JS:skipped',
      'HB:skipped',
    ]);
  });

  it('refuses unknown region codes, naming them', async () => {
    const { data, errors } = await gateway.query(PERSON, { id: P1, regions: ['JS', 'XX', 'YY'] });
    expect(data?.person ?? null).toBeNull();
    expect(errors).toHaveLength(1);
    expect(errors![0].extensions!.code).toBe('BAD_USER_INPUT');
    expect(errors![0].message).toMatch(/"XX", "YY".*JS, GZ, HB/);
    expect(js.counts.index + gz.counts.index + hb.counts.index).toBe(0);
  });

  it('passes an error every region reports only once, naming the regions', async () => {
    const { errors, report } = await gateway.query(PERSON, { id: REFUSED_ID });
    expect(errors).toHaveLength(1);
    expect(errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', region: 'JS', reportedBy: ['JS', 'GZ', 'HB'] });
    expect(report.regions.map((o) => o.status)).toEqual(['error', 'error', 'error']);
  });

  it('merges the same vehicle from the regions that know its plate', async () => {
    const { data, report } = await gateway.query(`{ vehicle(plate: "${PLATE}") { regions records { id colour } cases { id } } }`);
    expect(data).toEqual({
      vehicle: {
        regions: ['JS', 'HB'],
        records: [
          { id: 'JS:V-5', colour: 'blue' },
          { id: 'HB:V-1', colour: 'red' },
        ],
        cases: [{ id: 'JS:C-1' }],
      },
    });
    expect(report.regions.filter((o) => o.subgraph === 'index').map((o) => o.status)).toEqual(['hit', 'miss', 'hit']);
  });

  it('a miss is recorded as miss, and null + nothing stays null', async () => {
    const { data, report } = await gateway.query(PERSON, { id: '110105198001019993' }); // well-formed, held by no region
    expect(data!.person).toBeNull();
    expect(report.regions.map((o) => o.status)).toEqual(['miss', 'miss', 'miss']);
  });

  it('returns only what the client asked (fields added for merging do not leak)', async () => {
    const { data, json } = await gateway.query(`{ person(idNumber: "${P1}") { vehicles { colour } } }`);
    expect(data).toEqual({ person: { vehicles: [{ colour: 'blue' }, { colour: 'red' }] } });
    expect(json).not.toMatch(/__typename|idNumber|"id"/);
  });
});

describe('health checks', () => {
  it("every part answers the gateway's health check without a request context", async () => {
    const directory = fixtureDirectory([js.entry(), gz.entry(), hb.entry()]);
    try {
      for (const part of ['records', 'index', 'search'] as const) {
        const source = createDataSource({ name: part, url: regionalUrl(part) }, { registry: directory });
        const answer = await source.process({
          kind: 'health check' as never,
          request: { query: 'query __ApolloServiceHealthCheck__ { __typename }' },
          context: {},
        });
        expect(answer).toEqual({ data: { __typename: 'Query' } });
      }
      // The routed part asks one region (any can answer); the fanned-out parts ask all.
      expect([js.counts, gz.counts, hb.counts].map((c) => c.records + c.index + c.search)).toEqual([3, 2, 2]);
    } finally {
      await closeRegionClients(directory);
    }
  });
});

describe('routed records part', () => {
  it("answers the records' plain fields from the index part alone (@provides): one call per region", async () => {
    const { data } = await gateway.query(`{ person(idNumber: "${P1}") { records { id name region birthDate } } }`);
    expect((data!.person as { records: { id: string; name: string }[] }).records.map((r) => r.id)).toEqual(['JS:P-1', 'GZ:P-9', 'HB:P-4']);
    expect([js.counts.index, gz.counts.index, hb.counts.index]).toEqual([1, 1, 1]);
    expect([js.counts.records, gz.counts.records, hb.counts.records]).toEqual([0, 0, 0]);
  });

  it("sends each entity only to its owner and puts the answers back in the planner's order", async () => {
    // `phone` is not provided by the index part: the records part is asked, each record of its owner.
    const { data } = await gateway.query(`{ person(idNumber: "${P1}") { records { id name region phone } } }`);
    expect((data!.person as { records: { id: string; region: string }[] }).records.map((r) => `${r.id}/${r.region}`)).toEqual([
      'JS:P-1/JS',
      'GZ:P-9/GZ',
      'HB:P-4/HB',
    ]);
    expect([js.counts.records, gz.counts.records, hb.counts.records]).toEqual([1, 1, 1]);
    const sent = (r: FixtureRegion) =>
      r.bodies.filter((b) => b.part === 'records').flatMap((b) => (b.variables.representations as { id: string }[]).map((x) => x.id));
    expect([sent(js), sent(gz), sent(hb)]).toEqual([['JS:P-1'], ['GZ:P-9'], ['HB:P-4']]);
  });

  it('answers representations naming no known region with null and an error at their position', async () => {
    const directory = fixtureDirectory([js.entry(), gz.entry(), hb.entry()]);
    const source = createDataSource({ name: 'records', url: regionalUrl('records') }, { registry: directory });
    try {
      const representations = [
        { __typename: 'PersonRecord', id: 'GZ:P-9' },
        { __typename: 'PersonRecord', id: 'XX:1' },
        { __typename: 'PersonRecord', id: 'JS:P-1' },
        { __typename: 'PersonRecord', id: 'no-prefix' },
      ];
      const answer = await source.process({
        kind: 'incoming operation' as never,
        request: {
          query: 'query($representations: [_Any!]!) { _entities(representations: $representations) { ... on PersonRecord { id region } } }',
          variables: { representations },
        },
        context: { report: newReport() },
        incomingRequestContext: {} as never,
      });
      expect(answer.data).toEqual({ _entities: [{ id: 'GZ:P-9', region: 'GZ' }, null, { id: 'JS:P-1', region: 'JS' }, null] });
      expect(answer.errors!.map((e) => [e.path, e.extensions!.code])).toEqual([
        [['_entities', 1], 'UNKNOWN_REGION'],
        [['_entities', 3], 'UNKNOWN_REGION'],
      ]);
      expect(answer.errors![0].message).toMatch(
        /PersonRecord "XX:1": expected an id starting with the owning region's code \(one of JS, GZ, HB\)/,
      );
      expect([js.counts.records, gz.counts.records, hb.counts.records]).toEqual([1, 1, 0]);
    } finally {
      await closeRegionClients(directory);
    }
  });

  it("moves a region's entity error to the planner's position", async () => {
    const directory = fixtureDirectory([js.entry(), gz.entry(), hb.entry()]);
    const source = createDataSource({ name: 'records', url: regionalUrl('records') }, { registry: directory });
    try {
      const representations = ['JS:P-1', 'GZ:P-9', `GZ:${BROKEN_RECORD}`].map((id) => ({ __typename: 'PersonRecord', id }));
      const answer = await source.process({
        kind: 'incoming operation' as never,
        request: {
          query: 'query($representations: [_Any!]!) { _entities(representations: $representations) { ... on PersonRecord { id } } }',
          variables: { representations },
        },
        context: { report: newReport() },
        incomingRequestContext: {} as never,
      });
      expect(answer.data).toEqual({ _entities: [{ id: 'JS:P-1' }, { id: 'GZ:P-9' }, null] });
      expect(answer.errors).toEqual([
        {
          message: `record GZ:${BROKEN_RECORD} is unreadable`,
          path: ['_entities', 2],
          extensions: { code: 'RECORD_UNREADABLE', region: 'GZ', reportedBy: ['GZ'] },
        },
      ]);
    } finally {
      await closeRegionClients(directory);
    }
  });

  it('sends a root field only to the region owning its id (literal or variable)', async () => {
    const literal = await gateway.query(`{ case(id: "GZ:C-7") { id place } }`);
    expect(literal.data).toEqual({ case: { id: 'GZ:C-7', place: 'Guangzhou' } });
    const variable = await gateway.query(`query($id: ID!) { case(id: $id) { id place } }`, { id: 'HB:C-2' });
    expect(variable.data).toEqual({ case: { id: 'HB:C-2', place: 'Wuhan' } });
    expect([js.counts.records, gz.counts.records, hb.counts.records]).toEqual([0, 1, 1]);
  });

  it('splits root fields owned by different regions', async () => {
    const { data } = await gateway.query(
      `{ a: case(id: "HB:C-2") { place } b: case(id: "JS:C-1") { place } c: personRecord(id: "JS:P-2") { name } }`,
    );
    expect(data).toEqual({ a: { place: 'Wuhan' }, b: { place: 'Nanjing' }, c: { name: '李四' } });
    expect([js.counts.records, gz.counts.records, hb.counts.records]).toEqual([1, 0, 1]);
    expect(js.bodies[0].query).not.toMatch(/HB:C-2/);
  });

  it('refuses an id naming no known region', async () => {
    const { data, errors } = await gateway.query(`{ case(id: "XX:C-1") { id } ok: case(id: "JS:C-1") { id } }`);
    expect(data).toEqual({ case: null, ok: { id: 'JS:C-1' } });
    expect(errors![0].extensions!.code).toBe('BAD_USER_INPUT');
    expect(errors![0].message).toMatch(/"XX:C-1" names no known region.*JS, GZ, HB/);
  });

  it('follows a case to its suspect across regions and back', async () => {
    const { data, errors } = await gateway.query(
      `{ case(id: "JS:C-1") { parties { person { regions records { id } } } vehicles { plate records { colour owner { records { region } } } } } }`,
    );
    expect(errors).toBeUndefined();
    const parties = (data!.case as any).parties;
    expect(parties[0].person.regions).toEqual(['JS', 'GZ', 'HB']);
    const registrations = (data!.case as any).vehicles[0].records;
    expect(registrations.map((r: { colour: string }) => r.colour)).toEqual(['blue', 'red']);
    expect(registrations[1].owner.records.map((r: { region: string }) => r.region)).toEqual(['JS', 'GZ', 'HB']);
  });

  it(`looks up person ${P2} held by one region only`, async () => {
    const { data } = await gateway.query(`{ person(idNumber: "${P2}") { regions records { name } } }`);
    expect(data).toEqual({ person: { regions: ['JS'], records: [{ name: '李四' }] } });
  });
});
