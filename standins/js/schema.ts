/**
 * The JS regional system's database: its own table and column names, its own code
 * tables (case type 0xxx, status 10–90, party role S/V/W, gender M/F), ISO dates and
 * 18-digit identity numbers. Indexes make every keyed lookup a B-tree search; triggers
 * fill `t_change_log` so consumers can follow changes (Liandong's cache freshness).
 */

/** Where the JS system's file lives below the data root. */
export const JS_DB_PATH = 'js/jiangsu-police.sqlite';

/** 案件類別 code table: code → label. `0999` exists in JS but has no contract counterpart. */
export const CASE_TYPE_CODES: readonly (readonly [string, string])[] = [
  ['0201', '電信網絡詐騙'],
  ['0301', '盜竊'],
  ['0302', '搶劫'],
  ['0401', '販賣毒品'],
  ['0501', '網絡賭博'],
  ['0601', '故意傷害'],
  ['0701', '交通肇事'],
  ['0999', '其他刑事案件'],
];

/** 案件狀態 code table. `50` (中止偵查, suspended) has no contract counterpart. */
export const CASE_STATUS_CODES: readonly (readonly [string, string])[] = [
  ['10', '受理'],
  ['20', '立案偵查'],
  ['30', '已破案'],
  ['40', '移送起訴'],
  ['50', '中止偵查'],
  ['90', '撤銷案件'],
];

export const TABLES = `
CREATE TABLE code_case_type (code TEXT PRIMARY KEY, label TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE code_case_status (code TEXT PRIMARY KEY, label TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE t_person (
  person_id TEXT PRIMARY KEY,
  id_no TEXT NOT NULL,
  full_name TEXT NOT NULL,
  gender_code TEXT NOT NULL,
  birth_date TEXT NOT NULL,
  reg_address TEXT,
  mobile TEXT,
  updated_at TEXT NOT NULL
) WITHOUT ROWID;
CREATE TABLE t_vehicle (
  vehicle_id TEXT PRIMARY KEY,
  plate_no TEXT NOT NULL,
  vin TEXT NOT NULL,
  brand TEXT NOT NULL,
  model TEXT NOT NULL,
  body_color TEXT NOT NULL,
  fuel_code TEXT NOT NULL,
  owner_id_no TEXT,
  registered_on TEXT NOT NULL,
  updated_at TEXT NOT NULL
) WITHOUT ROWID;
CREATE TABLE t_case (
  case_id TEXT PRIMARY KEY,
  case_no TEXT NOT NULL,
  case_type_code TEXT NOT NULL,
  status_code TEXT NOT NULL,
  reported_at TEXT NOT NULL,
  place TEXT NOT NULL,
  loss_amount REAL,
  brief TEXT,
  updated_at TEXT NOT NULL
) WITHOUT ROWID;
CREATE TABLE t_case_party (
  case_id TEXT NOT NULL,
  seq INTEGER NOT NULL,
  role_code TEXT NOT NULL,
  id_no TEXT NOT NULL,
  name_written TEXT NOT NULL,
  PRIMARY KEY (case_id, seq)
) WITHOUT ROWID;
CREATE TABLE t_case_officer (
  case_id TEXT NOT NULL,
  seq INTEGER NOT NULL,
  police_no TEXT NOT NULL,
  duty_code TEXT NOT NULL,
  assist_unit TEXT,
  PRIMARY KEY (case_id, seq)
) WITHOUT ROWID;
CREATE TABLE t_case_vehicle (
  case_id TEXT NOT NULL,
  plate_no TEXT NOT NULL,
  PRIMARY KEY (case_id, plate_no)
) WITHOUT ROWID;
CREATE TABLE t_wanted (
  notice_id TEXT PRIMARY KEY,
  id_no TEXT NOT NULL,
  status_code TEXT NOT NULL,
  reason TEXT NOT NULL,
  case_id TEXT,
  issued_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
) WITHOUT ROWID;
CREATE TABLE t_vehicle_alert (
  alert_id TEXT PRIMARY KEY,
  plate_no TEXT NOT NULL,
  alert_kind TEXT NOT NULL,
  is_active INTEGER NOT NULL,
  case_id TEXT,
  issued_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
) WITHOUT ROWID;
-- 協查 (assistance requests): JS's own tables, written by JS's system and, through its adapter,
-- by Liandong. Codes: state 10 待受理 / 20 已受理 / 30 已反饋 / 90 已退回; urgency 1 特急 /
-- 2 加急 / 3 普通; ask 01 人員信息 / 02 聯系方式 / 03 涉案信息 / 04 車輛信息.
CREATE TABLE t_xc_request (
  xc_id TEXT PRIMARY KEY,
  client_key TEXT NOT NULL UNIQUE,
  case_ref TEXT NOT NULL,
  from_unit TEXT NOT NULL,
  requester_no TEXT NOT NULL,
  subject_id_nos TEXT NOT NULL,
  ask_codes TEXT NOT NULL,
  urgency_code TEXT NOT NULL,
  remark TEXT,
  state_code TEXT NOT NULL,
  requested_at TEXT NOT NULL,
  due_at TEXT NOT NULL,
  reply_text TEXT,
  reply_record_ids TEXT,
  return_reason TEXT,
  updated_at TEXT NOT NULL
) WITHOUT ROWID;
CREATE INDEX ix_xc_state ON t_xc_request (state_code, requested_at);
CREATE INDEX ix_xc_case ON t_xc_request (case_ref);
CREATE TABLE t_xc_step (
  xc_id TEXT NOT NULL,
  seq INTEGER NOT NULL,
  state_code TEXT NOT NULL,
  officer_no TEXT NOT NULL,
  step_note TEXT,
  step_at TEXT NOT NULL,
  PRIMARY KEY (xc_id, seq)
) WITHOUT ROWID;
CREATE TABLE t_change_log (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  entity TEXT NOT NULL,
  entity_id TEXT NOT NULL,
  op TEXT NOT NULL,
  id_nos TEXT,
  plates TEXT,
  changed_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
);
`;

/** Created after the bulk load: building a B-tree once is much faster than growing it row by row. */
export const INDEXES = `
CREATE INDEX ix_person_id_no ON t_person (id_no, person_id);
CREATE INDEX ix_person_name ON t_person (full_name);
CREATE INDEX ix_person_birth ON t_person (birth_date);
CREATE INDEX ix_vehicle_plate ON t_vehicle (plate_no, vehicle_id);
CREATE INDEX ix_vehicle_owner ON t_vehicle (owner_id_no);
CREATE INDEX ix_case_type ON t_case (case_type_code, case_id);
CREATE INDEX ix_case_status ON t_case (status_code, case_id);
CREATE INDEX ix_case_reported ON t_case (reported_at);
CREATE INDEX ix_party_id_no ON t_case_party (id_no);
CREATE INDEX ix_case_vehicle_plate ON t_case_vehicle (plate_no);
CREATE INDEX ix_wanted_id_no ON t_wanted (id_no);
CREATE INDEX ix_alert_plate ON t_vehicle_alert (plate_no);
`;

interface LoggedKeys {
  idNos?: string; // column holding an identity number the change touches
  plates?: string; // column holding a plate the change touches
}

/** One insert/update/delete trigger set per table; an update that changes a key logs both values. */
function logTriggers(table: string, entity: string, idColumn: string, keys: LoggedKeys): string {
  const one = (ref: 'NEW' | 'OLD', column?: string) => (column ? `${ref}.${column}` : 'NULL');
  const both = (column?: string) =>
    column
      ? `CASE WHEN OLD.${column} IS NEW.${column} THEN NEW.${column} ELSE trim(ifnull(OLD.${column}, '') || ',' || ifnull(NEW.${column}, ''), ',') END`
      : 'NULL';
  const log = (op: string, ref: 'NEW' | 'OLD', idNos: string, plates: string) =>
    `INSERT INTO t_change_log (entity, entity_id, op, id_nos, plates) VALUES ('${entity}', ${ref}.${idColumn}, '${op}', ${idNos}, ${plates});`;
  return `
CREATE TRIGGER tr_${table}_ins AFTER INSERT ON ${table} BEGIN ${log('I', 'NEW', one('NEW', keys.idNos), one('NEW', keys.plates))} END;
CREATE TRIGGER tr_${table}_upd AFTER UPDATE ON ${table} BEGIN ${log('U', 'NEW', both(keys.idNos), both(keys.plates))} END;
CREATE TRIGGER tr_${table}_del AFTER DELETE ON ${table} BEGIN ${log('D', 'OLD', one('OLD', keys.idNos), one('OLD', keys.plates))} END;`;
}

/** Created after the bulk load, so the seed itself is the baseline and the log starts empty. */
export const TRIGGERS = [
  logTriggers('t_person', 'PERSON', 'person_id', { idNos: 'id_no' }),
  logTriggers('t_vehicle', 'VEHICLE', 'vehicle_id', { idNos: 'owner_id_no', plates: 'plate_no' }),
  logTriggers('t_case', 'CASE', 'case_id', {}),
  logTriggers('t_case_party', 'CASE', 'case_id', { idNos: 'id_no' }),
  logTriggers('t_case_vehicle', 'CASE', 'case_id', { plates: 'plate_no' }),
  logTriggers('t_wanted', 'NOTICE', 'notice_id', { idNos: 'id_no' }),
  logTriggers('t_vehicle_alert', 'ALERT', 'alert_id', { plates: 'plate_no' }),
  // 協查: a request made or moved on (its steps are written in the same transaction). No keys:
  // a request's subjects are other regions' persons, not records JS holds about them.
  logTriggers('t_xc_request', 'XC', 'xc_id', {}),
].join('\n');
