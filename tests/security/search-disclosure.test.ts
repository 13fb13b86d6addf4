/**
 * What a search discloses, by role, over the whole system (real processes, seeded demo
 * data): a search, its totalCount and its cursors need the read scope of what it finds
 * and a stated purpose, like the records themselves; cursors reveal nothing (sealed);
 * the audit record of a search names the purpose and the persons shown; control
 * characters in filter text never reach a region.
 *
 * Before the fix an auditor without person:read and without X-Purpose got totalCount and
 * cursors (plain base64 JSON holding identity numbers and local ids) from searchPersons.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { seededSystem, type Officer } from '../support/system.ts';

const seeded = seededSystem();

const SEARCHES = {
  searchPersons:
    '{ searchPersons(filter: { bornFrom: "1900-01-01" }, first: 5) { totalCount edges { cursor node { idNumber } } pageInfo { hasNextPage endCursor } } }',
  searchCases:
    '{ searchCases(filter: { reportedFrom: "1990-01-01" }, first: 5) { totalCount edges { cursor node { id } } pageInfo { hasNextPage endCursor } } }',
  searchVehicles:
    '{ searchVehicles(filter: { energy: FUEL }, first: 5) { totalCount edges { cursor node { plate } } pageInfo { hasNextPage endCursor } } }',
} as const;
type SearchField = keyof typeof SEARCHES;

const ROLES: Record<string, { officer: Officer; sees: SearchField[] }> = {
  'patrol-officer': {
    officer: { roles: ['patrol-officer'], purpose: 'patrol-check: search test' },
    sees: ['searchPersons', 'searchVehicles'],
  },
  investigator: {
    officer: { roles: ['investigator'], purpose: 'patrol-check: search test' },
    sees: ['searchPersons', 'searchCases', 'searchVehicles'],
  },
  analyst: { officer: { roles: ['analyst'], purpose: 'analysis: search test' }, sees: ['searchPersons', 'searchCases', 'searchVehicles'] },
  auditor: { officer: { roles: ['auditor'], purpose: 'audit: search test' }, sees: [] },
  admin: { officer: { roles: ['admin'], purpose: 'analysis: search test' }, sees: ['searchPersons', 'searchCases', 'searchVehicles'] },
};
const MISSING: Record<SearchField, string> = {
  searchPersons: 'scope person:read',
  searchCases: 'scope case:read',
  searchVehicles: 'scope vehicle:read',
};

/** A cursor as text and as every dot-separated part decoded from base64url: what a client could read from it. */
function readable(cursor: string): string {
  return [cursor, ...cursor.split('.').map((part) => Buffer.from(part, 'base64url').toString('utf8'))].join('\n');
}

describe('searches by role (each with a purpose)', () => {
  for (const [role, { officer, sees }] of Object.entries(ROLES)) {
    for (const field of Object.keys(SEARCHES) as SearchField[]) {
      const allowed = sees.includes(field);
      it(`${role}: ${field} ${allowed ? 'answers, with sealed cursors' : 'is FORBIDDEN: no totalCount, no cursors'}`, async () => {
        const response = await seeded.system.query(SEARCHES[field], {}, officer);
        if (allowed) {
          expect(response.errors).toBeUndefined();
          const connection = response.data[field];
          expect(connection.totalCount).toBeGreaterThan(0);
          expect(connection.edges).toHaveLength(5);
          const keys: string[] = connection.edges.map((e: { node: Record<string, string> }) => Object.values(e.node)[0]);
          const local = keys.map((key) => key.split(':')[1] ?? key);
          for (const cursor of [...connection.edges.map((e: { cursor: string }) => e.cursor), connection.pageInfo.endCursor]) {
            expect(cursor).toMatch(/^c1\./);
            const text = readable(cursor);
            for (const secret of [...keys, ...local, '"k":', 'persons', 'cases', 'vehicles']) expect(text).not.toContain(secret);
          }
        } else {
          expect(response.data).toBeNull();
          expect(response.errors).toEqual([
            expect.objectContaining({
              path: [field],
              extensions: expect.objectContaining({
                code: 'FORBIDDEN',
                coordinate: `Query.${field}`,
                missing: expect.stringContaining(MISSING[field]),
              }),
            }),
          ]);
          expect(JSON.stringify(response)).not.toMatch(/totalCount"?:|cursor"?:|c1\./);
        }
      });
    }
  }
});

describe('searches without a purpose', () => {
  it.each(Object.keys(SEARCHES) as SearchField[])('%s, even asking only totalCount, is refused with PURPOSE_REQUIRED', async (field) => {
    seeded.system.resetCounts();
    const query = SEARCHES[field].replace(/\{ totalCount .*\} \}$/, '{ totalCount } }');
    for (const roles of [['auditor'], ['admin']]) {
      const response = await seeded.system.query(query, {}, { roles, purpose: '' });
      expect(response.status).toBe(400);
      expect(response.errors?.[0].extensions?.code).toBe('PURPOSE_REQUIRED');
      expect(response.data ?? null).toBeNull();
    }
    expect(Object.values(seeded.system.regions).reduce((n, r) => n + (r.proxy.counts()['/search'] ?? 0), 0)).toBe(0);
  });
});

describe('paging with sealed cursors', () => {
  it("pages on for the same officer and search; another officer's cursor is refused with BAD_USER_INPUT", async () => {
    const analyst = ROLES.analyst.officer;
    const query =
      'query($after: String) { searchPersons(filter: { bornFrom: "1900-01-01" }, first: 3, after: $after) { edges { cursor node { idNumber } } pageInfo { endCursor } } }';
    const first = await seeded.system.query(query, { after: null }, analyst);
    const next = await seeded.system.query(query, { after: first.data.searchPersons.pageInfo.endCursor }, analyst);
    expect(next.errors).toBeUndefined();
    const ids = [...first.data.searchPersons.edges, ...next.data.searchPersons.edges].map(
      (e: { node: { idNumber: string } }) => e.node.idNumber,
    );
    expect(ids).toEqual([...ids].sort());
    expect(new Set(ids).size).toBe(6);
    const stolen = await seeded.system.query(query, { after: first.data.searchPersons.pageInfo.endCursor }, ROLES.admin.officer);
    expect(stolen.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', reason: 'cursor-other-caller' });
  });

  it('a cursor from before (readable base64 JSON) is refused, not followed', async () => {
    const forged = Buffer.from(JSON.stringify({ v: 1, r: { JS: null, GZ: null, HB: null } })).toString('base64url');
    const response = await seeded.system.query(
      `{ searchPersons(filter: { bornFrom: "1900-01-01" }, after: "${forged}") { totalCount } }`,
      {},
      ROLES.analyst.officer,
    );
    expect(response.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', reason: 'cursor-malformed' });
    expect(response.errors?.[0].message).not.toContain(forged.slice(0, 20));
  });
});

describe('the audit record of a search', () => {
  it('names the purpose and the persons the page showed', async () => {
    const response = await seeded.system.query(SEARCHES.searchPersons, {}, ROLES.analyst.officer);
    const shown = response.data.searchPersons.edges.map((e: { node: { idNumber: string } }) => e.node.idNumber);
    const auditId = response.extensions?.auditId;
    const dir = join(seeded.system.configDir, 'audit');
    const record = readdirSync(dir)
      .filter((f) => /^audit-\d{6}\.jsonl$/.test(f))
      .flatMap((f) =>
        readFileSync(join(dir, f), 'utf8')
          .split('\n')
          .filter(Boolean)
          .map((l) => JSON.parse(l)),
      )
      .find((r) => r.auditId === auditId);
    expect(record.purpose).toMatchObject({ code: 'analysis' });
    expect(JSON.stringify(record.subjects)).toContain(shown[0]);
  });
});

describe('control characters in search filter text', () => {
  it('a NUL in the case place filter is refused with BAD_USER_INPUT naming the argument; no region is asked', async () => {
    seeded.system.resetCounts();
    const response = await seeded.system.query(
      'query($place: String) { searchCases(filter: { place: $place }) { totalCount } }',
      { place: '\u0000' },
      ROLES.analyst.officer,
    );
    expect(response.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    expect(response.errors?.[0].message).toMatch(/searchCases\(filter\.place:\)/);
    expect(Object.values(seeded.system.regions).reduce((n, r) => n + (r.proxy.counts()['/search'] ?? 0), 0)).toBe(0);
  });
});
