/**
 * GZ's 協查 (assistance request) module: its own tables and write endpoints in the legacy
 * style — pinyin column names, its own codes, Beijing `YYYYMMDDHHMMSS` times, the
 * `{"code":…,"msg":…,"data":…}` envelope and 4xxx refusals:
 *
 *   POST /api/v1/xiecha                     新建 {qqbs, ajbh, qqdq, qqr, sfzh:[…], xcnr:[…], jjcd, bz, qqsj, jzsj}
 *                                           → {xcbh, xj: 1 new | 0 the request already made under qqbs}
 *   POST /api/v1/xiecha/batch               {"xcbh":[…]} → {rows}
 *   GET  /api/v1/xiecha?zt=0                收件箱 (newest first) → {rows}
 *   POST /api/v1/xiecha/<xcbh>/qianshou     簽收 {jh, sj}
 *   POST /api/v1/xiecha/<xcbh>/fankui       反饋 {jh, sj, fkyj, jl:[…]}
 *   POST /api/v1/xiecha/<xcbh>/tuihui       退回 {jh, sj, yy}
 *
 * Codes: zt 0 待簽收 / 1 已簽收 / 2 已反饋 / 9 已退回; jjcd 1 特急 / 2 加急 / 3 平件;
 * xcnr RY 人員 / LX 聯系方式 / AJ 案件 / CL 車輛. Refusals: 4001 參數錯誤, 4041 無此協查,
 * 4090 狀態不允許.
 */
import type Database from 'better-sqlite3';
import { GzRequestError, type Row } from './store.ts';
import { gzTime } from './time.ts';

export const XIECHA_DDL = `
CREATE TABLE IF NOT EXISTS xiecha (  -- 協查: assistance requests received
  xcbh  TEXT PRIMARY KEY,            -- 協查編號 XC + year + number
  qqbs  TEXT NOT NULL UNIQUE,        -- 請求標識 (the requester's idempotency key)
  ajbh  TEXT NOT NULL,               -- 請求方案件編號 (Liandong id)
  qqdq  TEXT NOT NULL,               -- 請求地區
  qqr   TEXT NOT NULL,               -- 請求人警號
  sfzh  TEXT NOT NULL,               -- 協查對象 identity numbers, comma-separated
  xcnr  TEXT NOT NULL,               -- 協查內容 codes, comma-separated
  jjcd  TEXT NOT NULL,               -- 緊急程度
  bz    TEXT,                        -- 備注
  zt    TEXT NOT NULL,               -- 狀態
  qqsj  TEXT NOT NULL,               -- 請求時間
  jzsj  TEXT NOT NULL,               -- 截止時間
  fkyj  TEXT,                        -- 反饋意見
  fkjl  TEXT,                        -- 反饋記錄 (Liandong ids), comma-separated
  thyy  TEXT,                        -- 退回原因
  gxsj  TEXT NOT NULL
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS xiecha_lz (  -- 協查流轉: each step
  xcbh  TEXT NOT NULL,
  xh    INTEGER NOT NULL,
  zt    TEXT NOT NULL,
  jh    TEXT NOT NULL,                  -- 警號
  sm    TEXT,                           -- 說明
  sj    TEXT NOT NULL,
  PRIMARY KEY (xcbh, xh)
) WITHOUT ROWID;
`;

const ACTIONS: Record<string, { zt: string; noteField: 'fkyj' | 'yy' | null }> = {
  qianshou: { zt: '1', noteField: null },
  fankui: { zt: '2', noteField: 'fkyj' },
  tuihui: { zt: '9', noteField: 'yy' },
};
const OPEN = new Set(['0', '1']);
const CODES = { jjcd: ['1', '2', '3'], xcnr: ['RY', 'LX', 'AJ', 'CL'] };

function text(body: Record<string, unknown>, name: string, required = true): string | null {
  const value = body[name];
  if (value === undefined || value === null || value === '') {
    if (required) throw new GzRequestError(4001, `參數錯誤: ${name} 必填`);
    return null;
  }
  if (typeof value !== 'string' || value.length > 4000)
    throw new GzRequestError(4001, `參數錯誤: ${name} must be a string of at most 4000 characters`);
  return value;
}

function list(body: Record<string, unknown>, name: string, allowed?: readonly string[]): string[] {
  const value = body[name];
  if (!Array.isArray(value) || value.length === 0 || value.some((v) => typeof v !== 'string' || v.includes(','))) {
    throw new GzRequestError(4001, `參數錯誤: ${name} must be a non-empty list of strings`);
  }
  const bad = allowed && value.find((v) => !allowed.includes(v as string));
  if (bad) throw new GzRequestError(4001, `參數錯誤: ${name} holds unknown code ${JSON.stringify(bad)}; expected ${allowed!.join(', ')}`);
  return value as string[];
}

function time(body: Record<string, unknown>, name: string): string {
  const value = text(body, name)!;
  if (!/^\d{14}$/.test(value)) throw new GzRequestError(4001, `參數錯誤: ${name}="${value}": expected YYYYMMDDHHMMSS`);
  return value;
}

export class GzAssistance {
  constructor(private readonly db: Database.Database) {
    db.exec(XIECHA_DDL);
  }

  create(body: Record<string, unknown>): { xcbh: string; xj: 0 | 1 } {
    const qqbs = text(body, 'qqbs')!;
    const row = {
      ajbh: text(body, 'ajbh')!,
      qqdq: text(body, 'qqdq')!,
      qqr: text(body, 'qqr')!,
      sfzh: list(body, 'sfzh').join(','),
      xcnr: list(body, 'xcnr', CODES.xcnr).join(','),
      jjcd: text(body, 'jjcd')!,
      bz: text(body, 'bz', false),
      qqsj: time(body, 'qqsj'),
      jzsj: time(body, 'jzsj'),
    };
    if (!CODES.jjcd.includes(row.jjcd)) throw new GzRequestError(4001, `參數錯誤: jjcd="${row.jjcd}"; expected 1, 2 or 3`);
    return this.db.transaction(() => {
      const existing = this.db.prepare('SELECT xcbh FROM xiecha WHERE qqbs = ?').get(qqbs) as { xcbh: string } | undefined;
      if (existing) return { xcbh: existing.xcbh, xj: 0 as const };
      const n = (this.db.prepare('SELECT count(*) AS n FROM xiecha').get() as { n: number }).n + 1;
      const xcbh = `XC${row.qqsj.slice(0, 4)}${String(n).padStart(6, '0')}`;
      this.db
        .prepare(
          `INSERT INTO xiecha (xcbh, qqbs, ajbh, qqdq, qqr, sfzh, xcnr, jjcd, bz, zt, qqsj, jzsj, gxsj)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, '0', ?, ?, ?)`,
        )
        .run(xcbh, qqbs, row.ajbh, row.qqdq, row.qqr, row.sfzh, row.xcnr, row.jjcd, row.bz, row.qqsj, row.jzsj, row.qqsj);
      this.step(xcbh, '0', row.qqr, row.bz, row.qqsj);
      return { xcbh, xj: 1 as const };
    })();
  }

  act(xcbh: string, action: string, body: Record<string, unknown>): { xcbh: string; zt: string } {
    const spec = ACTIONS[action];
    if (!spec) throw new GzRequestError(4004, `無此接口 POST /api/v1/xiecha/${xcbh}/${action}`);
    const jh = text(body, 'jh')!;
    const sj = time(body, 'sj');
    const note = spec.noteField ? text(body, spec.noteField)! : null;
    const jl = action === 'fankui' ? list(body, 'jl').join(',') : null;
    return this.db.transaction(() => {
      const row = this.db.prepare('SELECT zt FROM xiecha WHERE xcbh = ?').get(xcbh) as { zt: string } | undefined;
      if (!row) throw new GzRequestError(4041, `無此協查 ${xcbh}`);
      // 重複提交: the same action again changes nothing.
      if (row.zt === spec.zt) return { xcbh, zt: row.zt };
      if (!OPEN.has(row.zt)) throw new GzRequestError(4090, `狀態不允許: ${xcbh} 狀態為 ${row.zt}`);
      this.db
        .prepare(
          `UPDATE xiecha SET zt = ?, fkyj = coalesce(?, fkyj), fkjl = coalesce(?, fkjl), thyy = coalesce(?, thyy), gxsj = ? WHERE xcbh = ?`,
        )
        .run(spec.zt, action === 'fankui' ? note : null, jl, action === 'tuihui' ? note : null, sj, xcbh);
      this.step(xcbh, spec.zt, jh, note, sj);
      return { xcbh, zt: spec.zt };
    })();
  }

  byIds(ids: unknown[]): Row[] {
    const rows = this.db
      .prepare('SELECT * FROM xiecha WHERE xcbh IN (SELECT value FROM json_each(?)) ORDER BY xcbh')
      .all(JSON.stringify(ids)) as Row[];
    return this.withSteps(rows);
  }

  inbox(zt: string | null): Row[] {
    if (zt !== null && !['0', '1', '2', '9'].includes(zt)) throw new GzRequestError(4001, `參數錯誤: zt="${zt}"; expected 0, 1, 2 or 9`);
    const rows = (
      zt === null
        ? this.db.prepare('SELECT * FROM xiecha ORDER BY qqsj DESC, xcbh DESC').all()
        : this.db.prepare('SELECT * FROM xiecha WHERE zt = ? ORDER BY qqsj DESC, xcbh DESC').all(zt)
    ) as Row[];
    return this.withSteps(rows);
  }

  private withSteps(rows: Row[]): Row[] {
    const steps = this.db.prepare('SELECT zt, jh, sm, sj FROM xiecha_lz WHERE xcbh = ? ORDER BY xh');
    return rows.map((row) => ({ ...row, lz: steps.all(row.xcbh) }));
  }

  private step(xcbh: string, zt: string, jh: string, sm: string | null, sj: string): void {
    const xh = (this.db.prepare('SELECT coalesce(max(xh), 0) + 1 AS n FROM xiecha_lz WHERE xcbh = ?').get(xcbh) as { n: number }).n;
    this.db.prepare('INSERT INTO xiecha_lz (xcbh, xh, zt, jh, sm, sj) VALUES (?, ?, ?, ?, ?, ?)').run(xcbh, xh, zt, jh, sm, sj);
    // Every step is an edit of the request: logged in 變更 like any table's, in the same
    // transaction, stamped when it was written (not with the step's own time, which the
    // caller states). No keys: the subjects are other regions' persons.
    this.db.prepare("INSERT INTO biangeng (bm, jlbh, sfzh, hphm, bgsj) VALUES ('xiecha', ?, '', '', ?)").run(xcbh, gzTime(new Date()));
  }
}
