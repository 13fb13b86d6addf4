/**
 * GZ's private storage: the legacy system's own SQLite file with its own (pinyin)
 * table and column names. Only the GZ stand-in (its writer and its service) reads this
 * module; Liandong's adapter never sees the file and talks to the service over HTTP.
 *
 * Conventions of the legacy system, kept on purpose:
 * - identity numbers (`sfzh`) exactly as registered: 15 digits for older records;
 * - dates `YYYYMMDD`, times `YYYYMMDDHHMMSS` in Beijing time (UTC+8);
 * - sex, case type/status, party role, wanted status, alert kind and energy type as
 *   codes of GZ's own code tables (see codes.ts);
 * - loss amounts in fen (1/100 yuan), as integers.
 */

/** Where GZ's file lives below the data root. */
export const GZ_DIR = 'gz';
export const GZ_DB_FILE = 'gz.db';

/**
 * GZ sorts persons by this expression (an expression index): the first 17 digits of
 * the 18-digit form, so 15- and 18-digit records of the system sort together in the
 * national order. The check character is determined by those 17 digits.
 */
export const SFZH_SORT_KEY =
  "(CASE WHEN length(sfzh) = 15 THEN substr(sfzh, 1, 6) || '19' || substr(sfzh, 7, 9) ELSE substr(sfzh, 1, 17) END)";

export const TABLES_DDL = `
CREATE TABLE renkou (          -- 人口: persons
  rkbh  TEXT PRIMARY KEY,      -- 人口編號: record id
  sfzh  TEXT NOT NULL,         -- 身份證號 as registered (15 or 18)
  xm    TEXT NOT NULL,         -- 姓名
  xb    TEXT NOT NULL,         -- 性別 code (1 男, 2 女, others exist)
  csrq  TEXT NOT NULL,         -- 出生日期 YYYYMMDD
  zz    TEXT,                  -- 住址
  lxdh  TEXT,                  -- 聯繫電話
  gxsj  TEXT NOT NULL          -- 更新時間 YYYYMMDDHHMMSS (UTC+8)
) WITHOUT ROWID;
CREATE TABLE anjian (          -- 案件: cases
  ajbh  TEXT PRIMARY KEY,      -- 案件編號: record id
  ajwh  TEXT NOT NULL,         -- 案件文號: case number
  ajlb  TEXT NOT NULL,         -- 案件類別 code
  ajzt  TEXT NOT NULL,         -- 案件狀態 code
  basj  TEXT NOT NULL,         -- 報案時間 YYYYMMDDHHMMSS (UTC+8)
  fadd  TEXT NOT NULL,         -- 發案地點
  ssje  INTEGER,               -- 損失金額 in fen
  jyaq  TEXT,                  -- 簡要案情
  gxsj  TEXT NOT NULL
) WITHOUT ROWID;
CREATE TABLE anjian_ry (       -- 案件人員: case parties
  ajbh  TEXT NOT NULL,
  xh    INTEGER NOT NULL,      -- 序號: order within the case
  sfzh  TEXT NOT NULL,         -- as GZ registered the person
  xm    TEXT NOT NULL,
  jslx  TEXT NOT NULL,         -- 角色類型 code
  PRIMARY KEY (ajbh, xh)
) WITHOUT ROWID;
CREATE TABLE anjian_cl (       -- 案件車輛: vehicles in a case
  ajbh  TEXT NOT NULL,
  xh    INTEGER NOT NULL,
  hphm  TEXT NOT NULL,         -- 號牌號碼 (standard form)
  PRIMARY KEY (ajbh, xh)
) WITHOUT ROWID;
CREATE TABLE anjian_mj (       -- 案件民警: officers working a case
  ajbh  TEXT NOT NULL,
  xh    INTEGER NOT NULL,
  jh    TEXT NOT NULL,         -- 警號: seven digits for GZ's own officers, region letters first for others (JS0310552)
  zz    TEXT NOT NULL,         -- 職責 code (01 主辦, 02 承辦, 03 協辦)
  xzdw  TEXT,                  -- 協作單位: the assisting team, for 03
  PRIMARY KEY (ajbh, xh)
) WITHOUT ROWID;
CREATE TABLE cheliang (        -- 車輛: vehicle registrations
  clbh     TEXT PRIMARY KEY,   -- 車輛編號: record id
  hphm     TEXT NOT NULL,      -- 號牌號碼 (standard form)
  hphm_yl  TEXT NOT NULL,      -- 號牌號碼原錄: as entered by the clerk
  clsbdh   TEXT NOT NULL,      -- 車輛識別代號 (VIN)
  clpp     TEXT NOT NULL,      -- 車輛品牌
  clxh     TEXT NOT NULL,      -- 車輛型號
  csys     TEXT NOT NULL,      -- 車身顏色
  nylx     TEXT NOT NULL,      -- 能源類型 code
  syr_sfzh TEXT,               -- 所有人身份證號 as registered
  zcrq     TEXT NOT NULL,      -- 註冊日期 YYYYMMDD
  gxsj     TEXT NOT NULL
) WITHOUT ROWID;
CREATE TABLE tongji (          -- 通緝: wanted notices
  tjbh  TEXT PRIMARY KEY,
  sfzh  TEXT NOT NULL,
  tjzt  TEXT NOT NULL,         -- 通緝狀態 code
  tjyy  TEXT NOT NULL,         -- 通緝原因
  ajbh  TEXT,
  fbsj  TEXT NOT NULL,         -- 發佈時間 YYYYMMDD or YYYYMMDDHHMMSS (UTC+8)
  gxsj  TEXT NOT NULL
) WITHOUT ROWID;
CREATE TABLE bukong (          -- 布控: vehicle alerts
  bkbh  TEXT PRIMARY KEY,
  hphm  TEXT NOT NULL,
  bklx  TEXT NOT NULL,         -- 布控類型 code
  yxbz  TEXT NOT NULL,         -- 有效標誌 1/0
  ajbh  TEXT,
  fbsj  TEXT NOT NULL,
  gxsj  TEXT NOT NULL
) WITHOUT ROWID;
CREATE TABLE biangeng (        -- 變更: change log feeding /api/v1/changes
  xh    INTEGER PRIMARY KEY AUTOINCREMENT,
  bm    TEXT NOT NULL,         -- 表名
  jlbh  TEXT NOT NULL,         -- 記錄編號
  sfzh  TEXT NOT NULL,         -- identity numbers touched, comma-separated
  hphm  TEXT NOT NULL,         -- plates touched, comma-separated
  bgsj  TEXT NOT NULL          -- 變更時間 YYYYMMDDHHMMSS (UTC+8)
);
`;

/** Created after the bulk load (faster, and the same bytes for the same input). */
export const INDEXES_DDL = `
CREATE INDEX ix_renkou_sfzh ON renkou (sfzh);
CREATE INDEX ix_renkou_px ON renkou (${SFZH_SORT_KEY}, rkbh);
CREATE INDEX ix_renkou_xm ON renkou (xm);
CREATE INDEX ix_renkou_csrq ON renkou (csrq);
CREATE INDEX ix_anjian_ry_sfzh ON anjian_ry (sfzh);
CREATE INDEX ix_anjian_cl_hphm ON anjian_cl (hphm);
CREATE INDEX ix_anjian_basj ON anjian (basj);
CREATE INDEX ix_cheliang_hphm ON cheliang (hphm, clbh);
CREATE INDEX ix_cheliang_syr ON cheliang (syr_sfzh);
CREATE INDEX ix_tongji_sfzh ON tongji (sfzh);
CREATE INDEX ix_bukong_hphm ON bukong (hphm);
`;

/**
 * GZ registers case parties, owners and wanted persons under the number the person
 * was registered with in GZ. The generator hands us 18-digit keys for those, so once
 * every person is loaded we rewrite them to the 15-digit form wherever GZ's own
 * person record carries the 15-digit form.
 */
export const LEGACY_LINKS_SQL = [
  ['anjian_ry', 'sfzh'],
  ['cheliang', 'syr_sfzh'],
  ['tongji', 'sfzh'],
].map(
  // Inside the sub-query the bare `sfzh` is renkou's (innermost scope), so the sort-key
  // expression matches ix_renkou_px and each row costs one index probe.
  ([table, column]) => `UPDATE ${table} SET ${column} = substr(${column}, 1, 6) || substr(${column}, 9, 9)
    WHERE length(${column}) = 18 AND EXISTS (
      SELECT 1 FROM renkou WHERE ${SFZH_SORT_KEY} = substr(${table}.${column}, 1, 17) AND length(sfzh) = 15)`,
);
