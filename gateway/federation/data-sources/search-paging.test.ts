/**
 * Search connections merged across three real fixture regions under a real gateway:
 * complete, ordered, never repeating paging with composite cursors.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { GZ_DATA, HB_DATA, JS_DATA, P1 } from './fixtures/fixture-data.ts';
import { startGateway, type GatewayAnswer } from './fixtures/gateway-harness.ts';
import { CursorSealer } from '../../cursors/index.ts';
import { ephemeralCursorKeys } from '../../cursors/keys.ts';
import { fixtureDirectory, startFixtureRegion, type FixtureData, type FixtureRegion } from './fixtures/fixture-regions.ts';

let regions: FixtureRegion[];
let gateway: Awaited<ReturnType<typeof startGateway>>;

beforeAll(async () => {
  regions = await Promise.all([startFixtureRegion('JS', JS_DATA), startFixtureRegion('GZ', GZ_DATA), startFixtureRegion('HB', HB_DATA)]);
  gateway = await startGateway({ registry: fixtureDirectory(regions.map((r) => r.entry())) });
});

afterAll(async () => {
  await gateway?.stop();
  await Promise.all((regions ?? []).map((r) => r.stop()));
});

beforeEach(() => regions.forEach((r) => r.resetCounts()));

const zhangIds = (data: FixtureData) => (data.persons ?? []).filter((p) => p.name.startsWith('張')).map((p) => p.idNumber);
const EVERY_ZHANG = [...new Set([...zhangIds(JS_DATA), ...zhangIds(GZ_DATA), ...zhangIds(HB_DATA)])].sort();

const SEARCH = /* GraphQL */ `
  query Search($after: String, $first: Int) {
    searchPersons(filter: { name: "張*" }, first: $first, after: $after) {
      totalCount
      edges { cursor node { idNumber regions } }
      pageInfo { hasNextPage endCursor }
    }
  }`;

type Connection = {
  totalCount: number;
  edges: { cursor: string; node: { idNumber: string; regions: string[] } }[];
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
};

async function page(after: string | null, first: number) {
  const answer = await gateway.query(SEARCH, { after, first });
  expect(answer.errors).toBeUndefined();
  return { connection: answer.data!.searchPersons as Connection, report: answer.report };
}

describe('search across regions', () => {
  it('pages through every match in key order, each once, over several pages', async () => {
    const seen: string[] = [];
    let after: string | null = null;
    let pages = 0;
    for (; pages < 20; pages++) {
      const { connection } = await page(after, 4);
      seen.push(...connection.edges.map((e) => e.node.idNumber));
      if (!connection.pageInfo.hasNextPage) break;
      after = connection.pageInfo.endCursor;
    }
    expect(seen).toEqual(EVERY_ZHANG);
    expect(pages).toBeGreaterThanOrEqual(4);
  });

  it('does not ask a region again once it has nothing left', async () => {
    const CASES = `query($after: String) { searchCases(filter: {}, first: 1, after: $after) { edges { node { id } } pageInfo { hasNextPage endCursor } } }`;
    const first = await gateway.query(CASES, { after: null });
    expect((first.data!.searchCases as any).edges).toEqual([{ node: { id: 'GZ:C-7' } }]);
    const second = await gateway.query(CASES, { after: (first.data!.searchCases as any).pageInfo.endCursor });
    expect((second.data!.searchCases as any).edges).toEqual([{ node: { id: 'HB:C-2' } }]);
    expect(second.report.regions.map((o) => `${o.region}:${o.status}`)).toEqual(['JS:hit', 'HB:hit', 'GZ:skipped']);
    expect(regions.map((r) => r.counts.search)).toEqual([2, 1, 2]);
  });

  it('merges a person found in several regions into one node and sums totalCount', async () => {
    const { connection } = await page(null, 50);
    const p1 = connection.edges.find((e) => e.node.idNumber === P1)!;
    expect(p1.node.regions).toEqual(['JS', 'GZ', 'HB']);
    expect(connection.totalCount).toBe(zhangIds(JS_DATA).length + zhangIds(GZ_DATA).length + zhangIds(HB_DATA).length);
    expect(connection.edges).toHaveLength(EVERY_ZHANG.length);
    expect(connection.pageInfo.hasNextPage).toBe(false);
  });

  it('resumes right after any edge whose cursor is passed as after', async () => {
    const { connection } = await page(null, 5);
    const next = await page(connection.edges[1].cursor, 3);
    expect(next.connection.edges.map((e) => e.node.idNumber)).toEqual(EVERY_ZHANG.slice(2, 5));
  });

  it('accepts a literal after and aliased selections', async () => {
    const first = await page(null, 3);
    const cursor = first.connection.pageInfo.endCursor!;
    const { data, errors, json } = await gateway.query(`{
      s: searchPersons(filter: { name: "張*" }, first: 2, after: "${cursor}") {
        e: edges { c: cursor n: node { id: idNumber } }
        p: pageInfo { more: hasNextPage }
        n: totalCount
      } }`);
    expect(errors).toBeUndefined();
    const s = data!.s as { e: { c: string; n: { id: string } }[]; p: { more: boolean }; n: number };
    expect(s.e.map((e) => e.n.id)).toEqual(EVERY_ZHANG.slice(3, 5));
    expect(s.p.more).toBe(true);
    expect(json).not.toMatch(/_ld_/);
  });

  it('refuses a malformed cursor without asking any region', async () => {
    const { errors } = await gateway.query(SEARCH, { after: 'bm90IGEgY3Vyc29y', first: 2 });
    expect(errors![0].extensions!.code).toBe('BAD_USER_INPUT');
    expect(errors![0].message).toMatch(/searchPersons\(after:\).*not a cursor this gateway issued/);
    expect(regions.reduce((n, r) => n + r.counts.search, 0)).toBe(0);
  });

  it('sends each region only its own position', async () => {
    const { connection } = await page(null, 4);
    regions.forEach((r) => r.resetCounts());
    await page(connection.pageInfo.endCursor, 4);
    const positions = regions.map((r) => r.bodies.find((b) => b.part === 'search')?.variables ?? null);
    const decoded = positions.map((v) => {
      const value = v && Object.entries(v).find(([name]) => name.startsWith('_ld_after'))?.[1];
      return typeof value === 'string' ? Buffer.from(value, 'base64url').toString('utf8') : value;
    });
    // The first page took 01..04 (one merged edge is 04 from JS and GZ); each region resumes after its own last key.
    expect(decoded).toEqual(['110000000000000004', '110000000000000004', '110000000000000003']);
  });
});

describe('search cursors (sealed, bound, expiring)', () => {
  const officer = { sub: 'JS-0310552' };
  let clock = Date.now();
  let own: Awaited<ReturnType<typeof startGateway>>;

  beforeAll(async () => {
    own = await startGateway({
      registry: fixtureDirectory(regions.map((r) => r.entry())),
      cursors: new CursorSealer({ keys: ephemeralCursorKeys(), ttlSeconds: 60, now: () => clock }),
    });
  });
  afterAll(async () => {
    await own?.stop();
  });

  async function firstPage(as = officer) {
    const answer = await own.query(SEARCH, { after: null, first: 3 }, as);
    expect(answer.errors).toBeUndefined();
    return answer.data!.searchPersons as Connection;
  }

  function refusedWith(answer: GatewayAnswer, reason: string, text: RegExp) {
    expect(answer.errors).toHaveLength(1);
    expect(answer.errors![0]).toMatchObject({ path: ['searchPersons'], extensions: { code: 'BAD_USER_INPUT', reason } });
    expect(answer.errors![0].message).toMatch(text);
    expect(regions.reduce((n, r) => n + r.counts.search, 0)).toBe(0);
  }

  it('hold no identity number, local id or region cursor a client could read', async () => {
    const connection = await firstPage();
    const cursors = [...connection.edges.map((e) => e.cursor), connection.pageInfo.endCursor!];
    for (const cursor of cursors) {
      expect(cursor).toMatch(/^c1\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/);
      const readable = [cursor, ...cursor.split('.').map((part) => Buffer.from(part, 'base64url').toString('utf8'))].join(' ');
      expect(readable).not.toMatch(/\d{17}[\dX]|"JS"|"GZ"|"HB"|persons/);
    }
  });

  it('page on for the officer they were issued to', async () => {
    const connection = await firstPage();
    const next = await own.query(SEARCH, { after: connection.pageInfo.endCursor, first: 3 }, officer);
    expect(next.errors).toBeUndefined();
    expect((next.data!.searchPersons as Connection).edges.map((e) => e.node.idNumber)).toEqual(EVERY_ZHANG.slice(3, 6));
  });

  it('are refused to another officer, without asking any region', async () => {
    const connection = await firstPage();
    regions.forEach((r) => r.resetCounts());
    const answer = await own.query(SEARCH, { after: connection.pageInfo.endCursor, first: 3 }, { sub: 'GZ-0000001' });
    refusedWith(answer, 'cursor-other-caller', /^searchPersons\(after:\): cursor "c1\.[^"]{9}…" was issued to another officer/);
    expect(answer.errors![0].message).not.toContain(connection.pageInfo.endCursor!.slice(0, 20));
  });

  it('are refused for another filter or another search field', async () => {
    const connection = await firstPage();
    regions.forEach((r) => r.resetCounts());
    const otherFilter = await own.query(SEARCH.replace('"張*"', '"李*"'), { after: connection.pageInfo.endCursor, first: 3 }, officer);
    refusedWith(otherFilter, 'cursor-other-search', /belongs to another search/);
    const vehicles = await own.query(
      `query($after: String) { searchVehicles(filter: { platePrefix: "蘇A" }, after: $after) { totalCount } }`,
      { after: connection.pageInfo.endCursor },
      officer,
    );
    expect(vehicles.errors![0]).toMatchObject({ extensions: { code: 'BAD_USER_INPUT', reason: 'cursor-other-search' } });
  });

  it('are refused when altered', async () => {
    const cursor = (await firstPage()).pageInfo.endCursor!;
    regions.forEach((r) => r.resetCounts());
    const last = cursor.at(-2) === 'A' ? 'B' : 'A';
    const altered = `${cursor.slice(0, -2)}${last}${cursor.at(-1)}`;
    refusedWith(
      await own.query(SEARCH, { after: altered, first: 3 }, officer),
      'cursor-tampered',
      /was altered or was not issued by this gateway/,
    );
  });

  it('expire after the configured lifetime', async () => {
    const cursor = (await firstPage()).pageInfo.endCursor!;
    regions.forEach((r) => r.resetCounts());
    clock += 61_000;
    try {
      refusedWith(
        await own.query(SEARCH, { after: cursor, first: 3 }, officer),
        'cursor-expired',
        /expired at .* \(cursors are valid for 60 s/,
      );
    } finally {
      clock -= 61_000;
    }
  });

  it('past the end of every region give an empty last page, not data: null', async () => {
    const all = await own.query(SEARCH, { after: null, first: 50 }, officer);
    const last = (all.data!.searchPersons as Connection).edges.at(-1)!.cursor;
    regions.forEach((r) => r.resetCounts());
    const after = await own.query(
      `query($after: String) { searchPersons(filter: { name: "張*" }, after: $after) { __typename totalCount edges { cursor } pageInfo { hasNextPage endCursor } } }`,
      { after: last },
      officer,
    );
    expect(after.errors).toBeUndefined();
    expect(after.data).toEqual({
      searchPersons: { __typename: 'PersonConnection', totalCount: 0, edges: [], pageInfo: { hasNextPage: false, endCursor: null } },
    });
    expect(regions.reduce((n, r) => n + r.counts.search, 0)).toBe(0);
  });
});

describe('search filter text', () => {
  it('with a control character is refused, naming the argument, before any region is asked', async () => {
    const answer = await gateway.query(
      `query($place: String) { searchCases(filter: { place: $place }) { totalCount edges { node { id } } } }`,
      { place: '遵義\u0000' },
    );
    expect(answer.errors).toHaveLength(1);
    expect(answer.errors![0]).toMatchObject({ path: ['searchCases'], extensions: { code: 'BAD_USER_INPUT' } });
    expect(answer.errors![0].message).toMatch(/searchCases\(filter\.place:\).*control character U\+0000/);
    expect(regions.reduce((n, r) => n + r.counts.search, 0)).toBe(0);
  });
});
