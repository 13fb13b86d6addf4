/** The shared adapter helpers: batch regrouping, cursors, filter bounds and code clauses. */
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { AdapterError } from '../adapter.ts';
import { chunk, fetchChunked, manyPerKey, onePerKey } from './batch.ts';
import { caseWhere, codeClause, personWhere, vehicleWhere } from './filters.ts';
import { checkFilterText, checkPage, decodeCursor, encodeCursor, filterDate, filterInstant, nameMatch } from './paging.ts';
import { inListSize, selectIn } from './sql.ts';

const badInput = (work: () => unknown) => {
  try {
    work();
  } catch (error) {
    expect(error).toBeInstanceOf(AdapterError);
    expect((error as AdapterError).kind).toBe('BAD_INPUT');
    return (error as AdapterError).message;
  }
  throw new Error('expected a BAD_INPUT AdapterError');
};

describe('batch helpers', () => {
  it('regroup rows in input order, with duplicates and gaps', () => {
    const rows = [
      { k: 'b', v: 2 },
      { k: 'a', v: 1 },
      { k: 'b', v: 3 },
    ];
    expect(onePerKey(['a', 'x', 'a'], rows, (r) => r.k).map((r) => r?.v ?? null)).toEqual([1, null, 1]);
    expect(manyPerKey(['b', 'x', 'b'], rows, (r) => r.k).map((l) => l.map((r) => r.v))).toEqual([[2, 3], [], [2, 3]]);
    expect(chunk([1, 2, 3, 4, 5], 2)).toEqual([[1, 2], [3, 4], [5]]);
  });

  it('fetch each unique key once, in bounded chunks', () => {
    const seen: string[][] = [];
    fetchChunked(['a', 'b', 'a', 'c'], 2, (part) => (seen.push(part), []));
    expect(seen).toEqual([['a', 'b'], ['c']]);
  });

  it("select with thousands of keys stays within SQLite's parameter limit", () => {
    const db = new Database(':memory:');
    db.exec('CREATE TABLE t (k TEXT PRIMARY KEY)');
    const insert = db.prepare('INSERT INTO t VALUES (?)');
    for (let i = 0; i < 40_000; i++) insert.run(`k${i}`);
    const keys = Array.from({ length: 40_000 }, (_, i) => `k${i}`);
    expect(selectIn(db, 'SELECT k FROM t WHERE k IN (%)', keys)).toHaveLength(40_000);
    db.close();
  });

  it('send IN lists padded to a few sizes, each row once, so prepared statements are reused', () => {
    expect([1, 2, 3, 5, 9, 129, 300, 500].map(inListSize)).toEqual([1, 2, 4, 8, 16, 256, 500, 500]);
    const db = new Database(':memory:');
    db.exec('CREATE TABLE t (k TEXT PRIMARY KEY)');
    const insert = db.prepare('INSERT INTO t VALUES (?)');
    for (const k of ['a', 'b', 'c', 'd', 'e']) insert.run(k);
    const prepare = db.prepare.bind(db);
    const texts: string[] = [];
    db.prepare = ((sql: string) => {
      texts.push(sql);
      return prepare(sql);
    }) as typeof db.prepare;
    const ask = (keys: string[]) => selectIn<{ k: string }>(db, 'SELECT k FROM t WHERE k IN (%) ORDER BY k', keys).map((r) => r.k);
    expect(ask(['c', 'a', 'e'])).toEqual(['a', 'c', 'e']);
    expect(ask(['b', 'd', 'x'])).toEqual(['b', 'd']);
    expect(ask(['e', 'd', 'c', 'b'])).toEqual(['b', 'c', 'd', 'e']);
    expect(texts).toEqual(['SELECT k FROM t WHERE k IN (?, ?, ?, ?) ORDER BY k']);
    db.close();
  });
});

describe('paging helpers', () => {
  it('round-trips cursors and refuses foreign or forged ones', () => {
    const cursor = encodeCursor('persons', ['320102199001011232', 'P1']);
    expect(decodeCursor('JS', 'persons', cursor, 2)).toEqual(['320102199001011232', 'P1']);
    expect(badInput(() => decodeCursor('JS', 'cases', cursor, 1))).toContain('not a cases cursor');
    badInput(() => decodeCursor('JS', 'persons', Buffer.from('{"k":"persons","v":[1,2]}').toString('base64url'), 2));
    badInput(() => decodeCursor('JS', 'persons', "' OR 1=1 --", 2));
    expect(decodeCursor('JS', 'persons', null, 2)).toBeNull();
  });

  it('validates page sizes and name filters', () => {
    expect(checkPage('JS', { first: 10 })).toBe(10);
    expect(badInput(() => checkPage('JS', { first: 5000 }))).toContain('from 1 to 1000, got 5000');
    expect(nameMatch('JS', '張*')).toEqual({ prefix: '張' });
    expect(nameMatch('JS', ' 張偉 ')).toEqual({ exact: '張偉' });
    badInput(() => nameMatch('JS', '*'));
  });

  it('turns date and date-time bounds into second-precision UTC instants', () => {
    expect(filterInstant('JS', 'reportedFrom', '2026-01-01', 'from')).toBe('2026-01-01T00:00:00Z');
    expect(filterInstant('JS', 'reportedTo', '2026-01-01', 'to')).toBe('2026-01-01T23:59:59Z');
    expect(filterInstant('JS', 'reportedFrom', '2026-01-01T08:00:00+08:00', 'from')).toBe('2026-01-01T00:00:00Z');
    expect(badInput(() => filterInstant('JS', 'reportedTo', '2026-13-45', 'to'))).toContain('reportedTo "2026-13-45"');
  });
});

describe('code clauses', () => {
  const db = new Database(':memory:');
  db.exec("CREATE TABLE c (code TEXT); INSERT INTO c VALUES ('01'), ('02'), ('99'), ('03')");
  const clause = codeClause('code', { '01': 'THEFT', '02': 'ROBBERY', '03': 'OTHER' }, 'OTHER');
  const codes = (value: 'THEFT' | 'ROBBERY' | 'OTHER' | 'ASSAULT') => {
    const { where, params } = clause(value as 'THEFT');
    return (db.prepare(`SELECT code FROM c WHERE ${where.join(' AND ')} ORDER BY code`).all(...params) as { code: string }[]).map(
      (r) => r.code,
    );
  };

  it('match the codes mapped to a value, and unknown codes under the catch-all', () => {
    expect(codes('THEFT')).toEqual(['01']);
    expect(codes('OTHER')).toEqual(['03', '99']);
    expect(codes('ASSAULT')).toEqual([]);
  });
});

describe('filterDate', () => {
  it('accepts a real day and refuses one that Date.parse would roll over', () => {
    expect(filterDate('JS', 'bornFrom', '1990-02-28')).toBe('1990-02-28');
    expect(() => filterDate('JS', 'bornFrom', '1990-02-30')).toThrow(/bornFrom "1990-02-30" is not an ISO date/);
    expect(() => filterDate('JS', 'bornFrom', '1990/02/01')).toThrow(AdapterError);
  });
});

describe('filter text', () => {
  const code = () => ({ where: [], params: [] });

  it('refuses a control character in any filter string, naming the field and the character', () => {
    expect(badInput(() => checkFilterText('GZ', { place: '遵義\u0000' }))).toMatch(
      /^GZ: place: the filter text holds the control character U\+0000/,
    );
    expect(badInput(() => checkFilterText('JS', { name: '張\u001f*' }))).toMatch(/^JS: name: .*U\+001F/);
    expect(badInput(() => checkFilterText('JS', { colour: 'red\u0085' }))).toMatch(/^JS: colour: .*U\+0085/);
    expect(() => checkFilterText('JS', { place: '南京 玄武區', type: 'THEFT', sex: null })).not.toThrow();
  });

  it('is checked by every shared where-builder, so no SQL-backed adapter passes one on', () => {
    expect(badInput(() => caseWhere('HB', { place: 'x\u0000' }, { reportedAt: 'r', place: 'p' }, code, code))).toMatch(/^HB: place:/);
    expect(badInput(() => personWhere('HB', { name: 'x\u0000' }, { name: 'n', birthDate: 'b' }, code))).toMatch(/^HB: name:/);
    expect(badInput(() => vehicleWhere('HB', { make: 'x\t' }, { plate: 'p', make: 'm', colour: 'c' }, code))).toMatch(/^HB: make:/);
  });
});
