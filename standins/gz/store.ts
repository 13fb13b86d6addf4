/**
 * The GZ service's queries over its own SQLite file: keyed batch lookups, legacy
 * offset-paged searches, the change log and the admin update. Everything is
 * parameterised; column names only ever come from the fixed tables below.
 */
import Database from 'better-sqlite3';
import { SFZH_SORT_KEY } from './schema.ts';
import { gzTime } from './time.ts';
import { statement } from '../../common/sqlite/statements.ts';
import { GzAssistance } from './assistance.ts';

export type Row = Record<string, unknown>;

/** Thrown for a request the legacy service refuses (mapped to its `code` 4xxx). */
export class GzRequestError extends Error {
  constructor(
    readonly code: number,
    message: string,
  ) {
    super(message);
  }
}

export const MAX_BATCH_KEYS = 1000;
export const MAX_PAGE_SIZE = 200;
export const MAX_CHANGES = 1000;

/** Batch lookups: resource → the columns it may be looked up by. */
const BATCH_KEYS: Record<string, { table: string; order: string; columns: string[] }> = {
  renkou: { table: 'renkou', order: 'rkbh', columns: ['rkbh', 'sfzh'] },
  anjian: { table: 'anjian', order: 'ajbh', columns: ['ajbh'] },
  ajry: { table: 'anjian_ry', order: 'ajbh, xh', columns: ['sfzh'] },
  ajcl: { table: 'anjian_cl', order: 'ajbh, xh', columns: ['hphm'] },
  ajmj: { table: 'anjian_mj', order: 'ajbh, xh', columns: ['ajbh', 'jh'] },
  cheliang: { table: 'cheliang', order: 'hphm, clbh', columns: ['clbh', 'hphm', 'syr_sfzh'] },
  tongji: { table: 'tongji', order: 'tjbh', columns: ['tjbh', 'sfzh'] },
  bukong: { table: 'bukong', order: 'bkbh', columns: ['bkbh', 'hphm'] },
};

type Condition = (value: string) => { sql: string; value: string };
const equals =
  (column: string): Condition =>
  (value) => ({ sql: `${column} = ?`, value });
const atLeast =
  (column: string): Condition =>
  (value) => ({ sql: `${column} >= ?`, value });
const atMost =
  (column: string): Condition =>
  (value) => ({ sql: `${column} <= ?`, value });
const inList =
  (column: string): Condition =>
  (value) => ({
    sql: `${column} IN (SELECT value FROM json_each(?))`,
    value: JSON.stringify(value.split(',')),
  });
/** GLOB is case-sensitive and uses the index for a literal prefix; escape its wildcards. */
const prefix =
  (column: string): Condition =>
  (value) => ({
    sql: `${column} GLOB ?`,
    value: `${value.replace(/[[*?]/g, (ch) => `[${ch}]`)}*`,
  });
const contains =
  (column: string): Condition =>
  (value) => ({
    sql: `${column} LIKE ? ESCAPE '\\'`,
    value: `%${value.replace(/[\\%_]/g, (ch) => `\\${ch}`)}%`,
  });
const notInList =
  (column: string): Condition =>
  (value) => ({
    sql: `${column} NOT IN (SELECT value FROM json_each(?))`,
    value: JSON.stringify(value.split(',')),
  });

/**
 * Searchable resources: legacy query parameters → conditions, and the fixed order.
 * Code parameters take comma-separated lists; `…pc` (排除) lists codes to exclude.
 */
const SEARCHES: Record<string, { table: string; order: string; params: Record<string, Condition> }> = {
  renkou: {
    table: 'renkou',
    order: `${SFZH_SORT_KEY}, rkbh`,
    params: {
      xm: equals('xm'),
      xmqz: prefix('xm'),
      xb: inList('xb'),
      xbpc: notInList('xb'),
      csrqq: atLeast('csrq'),
      csrqz: atMost('csrq'),
    },
  },
  anjian: {
    table: 'anjian',
    order: 'ajbh',
    params: {
      ajlb: inList('ajlb'),
      ajlbpc: notInList('ajlb'),
      ajzt: inList('ajzt'),
      ajztpc: notInList('ajzt'),
      basjq: atLeast('basj'),
      basjz: atMost('basj'),
      fadd: contains('fadd'),
    },
  },
  cheliang: {
    table: 'cheliang',
    order: 'hphm, clbh',
    params: { hphmqz: prefix('hphm'), clpp: equals('clpp'), csys: equals('csys'), nylx: inList('nylx') },
  },
  // Listing notices and alerts lets a reader see every key the system holds (membership filters).
  tongji: { table: 'tongji', order: 'tjbh', params: {} },
  bukong: { table: 'bukong', order: 'bkbh', params: {} },
};

/** Which identity numbers and plates a record touches, for the change log. */
const TOUCHED_KEYS: Record<string, { pk: string; sql: string }> = {
  renkou: { pk: 'rkbh', sql: "SELECT sfzh, '' AS hphm FROM renkou WHERE rkbh = @id" },
  anjian: {
    pk: 'ajbh',
    sql: `SELECT sfzh, '' AS hphm FROM anjian_ry WHERE ajbh = @id
          UNION ALL SELECT '' AS sfzh, hphm FROM anjian_cl WHERE ajbh = @id`,
  },
  cheliang: { pk: 'clbh', sql: "SELECT coalesce(syr_sfzh, '') AS sfzh, hphm FROM cheliang WHERE clbh = @id" },
  tongji: { pk: 'tjbh', sql: "SELECT sfzh, '' AS hphm FROM tongji WHERE tjbh = @id" },
  bukong: { pk: 'bkbh', sql: "SELECT '' AS sfzh, hphm FROM bukong WHERE bkbh = @id" },
};

export interface SearchResult {
  total: number;
  page: number;
  pageSize: number;
  rows: Row[];
}

function positiveInt(name: string, raw: string | undefined, fallback: number, max: number): number {
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1 || n > max) {
    throw new GzRequestError(4001, `參數錯誤 ${name}="${raw}": expected an integer from 1 to ${max}`);
  }
  return n;
}

export class GzStore {
  /** The 協查 module: its tables are created on first open (GZ's own migration). */
  readonly assistance: GzAssistance;

  constructor(private readonly db: Database.Database) {
    this.assistance = new GzAssistance(db);
  }

  static open(file: string): GzStore {
    const db = new Database(file, { fileMustExist: true });
    db.pragma('journal_mode = WAL');
    db.pragma('busy_timeout = 5000');
    return new GzStore(db);
  }

  close(): void {
    this.db.close();
  }

  ping(): void {
    this.db.prepare('SELECT 1').get();
  }

  /** Rows of `resource` whose `column` is one of `keys`, in the resource's fixed order. */
  batch(resource: string, column: string, keys: unknown[]): Row[] {
    const spec = BATCH_KEYS[resource];
    if (!spec) throw new GzRequestError(4004, `無此資源 ${resource}`);
    if (!spec.columns.includes(column)) {
      throw new GzRequestError(
        4001,
        `參數錯誤: ${resource} cannot be looked up by "${column}"; expected one of ${spec.columns.join(', ')}`,
      );
    }
    if (keys.length > MAX_BATCH_KEYS) throw new GzRequestError(4001, `參數錯誤: ${keys.length} keys, at most ${MAX_BATCH_KEYS}`);
    if (!keys.every((k) => typeof k === 'string')) throw new GzRequestError(4001, `參數錯誤: ${column} must be a list of strings`);
    const sql = `SELECT * FROM ${spec.table} WHERE ${column} IN (SELECT value FROM json_each(?)) ORDER BY ${spec.order}`;
    const rows = statement(this.db, sql).all(JSON.stringify(keys)) as Row[];
    return resource === 'anjian' ? this.withCaseDetails(rows) : rows;
  }

  /** Cases carry their parties (ry) and vehicles (cl), as GZ's case screen does. */
  private withCaseDetails(cases: Row[]): Row[] {
    const ids = JSON.stringify(cases.map((c) => c.ajbh));
    const detail = (table: string) => {
      const grouped = new Map<unknown, Row[]>();
      const sql = `SELECT * FROM ${table} WHERE ajbh IN (SELECT value FROM json_each(?)) ORDER BY ajbh, xh`;
      for (const row of statement(this.db, sql).all(ids) as Row[]) {
        const list = grouped.get(row.ajbh) ?? [];
        list.push(row);
        grouped.set(row.ajbh, list);
      }
      return grouped;
    };
    const parties = detail('anjian_ry');
    const vehicles = detail('anjian_cl');
    return cases.map((c) => ({ ...c, ry: parties.get(c.ajbh) ?? [], cl: vehicles.get(c.ajbh) ?? [] }));
  }

  /** Legacy offset paging: `page` from 1, `pageSize` up to MAX_PAGE_SIZE, plus the total. */
  search(resource: string, query: URLSearchParams): SearchResult {
    const spec = SEARCHES[resource];
    if (!spec) throw new GzRequestError(4004, `無此資源 ${resource}`);
    const page = positiveInt('page', query.get('page') ?? undefined, 1, Number.MAX_SAFE_INTEGER);
    const pageSize = positiveInt('pageSize', query.get('pageSize') ?? undefined, 20, MAX_PAGE_SIZE);
    const where: string[] = [];
    const values: string[] = [];
    for (const [name, value] of query) {
      if (name === 'page' || name === 'pageSize') continue;
      const condition = spec.params[name];
      if (!condition) {
        throw new GzRequestError(4001, `參數錯誤: unknown parameter "${name}"; expected one of ${Object.keys(spec.params).join(', ')}`);
      }
      const built = condition(value);
      where.push(built.sql);
      values.push(built.value);
    }
    const filter = where.length ? `WHERE ${where.join(' AND ')}` : '';
    const total = (statement(this.db, `SELECT count(*) AS n FROM ${spec.table} ${filter}`).get(...values) as { n: number }).n;
    const rows = statement(this.db, `SELECT * FROM ${spec.table} ${filter} ORDER BY ${spec.order} LIMIT ? OFFSET ?`).all(
      ...values,
      pageSize,
      (page - 1) * pageSize,
    ) as Row[];
    return { total, page, pageSize, rows: resource === 'anjian' ? this.withCaseDetails(rows) : rows };
  }

  /** The newest change number (0 when nothing changed yet). */
  lastChange(): number {
    return (this.db.prepare('SELECT coalesce(max(xh), 0) AS xh FROM biangeng').get() as { xh: number }).xh;
  }

  changesSince(since: number, limit: number): Row[] {
    return statement(this.db, 'SELECT * FROM biangeng WHERE xh > ? ORDER BY xh LIMIT ?').all(since, limit) as Row[];
  }

  /**
   * The admin screen's edit: set columns of one record and log the change (with the
   * keys touched before and after the edit) in the same transaction.
   */
  update(table: string, id: string, values: Record<string, unknown>): number {
    const touched = TOUCHED_KEYS[table];
    if (!touched) throw new GzRequestError(4001, `參數錯誤: bm="${table}"; expected one of ${Object.keys(TOUCHED_KEYS).join(', ')}`);
    const columns = this.editableColumns(table, touched.pk);
    const entries = Object.entries(values);
    for (const [column, value] of entries) {
      if (!columns.has(column))
        throw new GzRequestError(4001, `參數錯誤: ${table} has no editable column "${column}"; expected one of ${[...columns].join(', ')}`);
      if (value !== null && typeof value !== 'string' && typeof value !== 'number') {
        throw new GzRequestError(4001, `參數錯誤: ${column} must be a string, number or null`);
      }
    }
    return this.db.transaction(() => {
      const before = this.touchedKeys(table, id);
      const set = [...entries.map(([c]) => `${c} = ?`), 'gxsj = ?'].join(', ');
      const now = gzTime(new Date());
      const result = this.db.prepare(`UPDATE ${table} SET ${set} WHERE ${touched.pk} = ?`).run(...entries.map(([, v]) => v), now, id);
      if (result.changes === 0) throw new GzRequestError(4004, `無此記錄 ${table} ${id}`);
      const after = this.touchedKeys(table, id);
      const join = (key: 'sfzh' | 'hphm') => [...new Set([...before, ...after].map((r) => r[key]).filter(Boolean))].join(',');
      return Number(
        this.db
          .prepare('INSERT INTO biangeng (bm, jlbh, sfzh, hphm, bgsj) VALUES (?, ?, ?, ?, ?)')
          .run(table, id, join('sfzh'), join('hphm'), now).lastInsertRowid,
      );
    })();
  }

  private editableColumns(table: string, pk: string): Set<string> {
    const info = this.db.prepare(`PRAGMA table_info(${table})`).all() as { name: string }[];
    return new Set(info.map((c) => c.name).filter((c) => c !== pk && c !== 'gxsj'));
  }

  private touchedKeys(table: string, id: string): { sfzh: string; hphm: string }[] {
    return this.db.prepare(TOUCHED_KEYS[table].sql).all({ id }) as { sfzh: string; hphm: string }[];
  }
}
