/**
 * Builds the index (index-schema.ts) of one vetted export: streams each GBK CSV file,
 * converts HB's formats to the contract's (codes.ts, Beijing time → UTC, `x` → `X`,
 * `鄂A·12345` → `鄂A12345`) and inserts in batches. Any bad value refuses the export
 * with BAD_SOURCE_DATA naming file and line. The index is built under a temporary
 * name and renamed when complete, so a half-built index is never opened.
 */
import Database from 'better-sqlite3';
import { createHash } from 'node:crypto';
import { rename, rm } from 'node:fs/promises';
import { basename } from 'node:path';
import { AdapterError } from '../adapter.ts';
import { sourceIdNumber, sourceOfficerId, sourcePlate } from '../support/source.ts';
import { ACTIVE, ALERT_KIND, CASE_STATUS, CASE_TYPE, DUTY, ENERGY, ROLE, SEX, WANTED_STATUS } from './codes.ts';
import { CsvRefusal, readRows, type Row } from './csv-reader.ts';
import { INDEX_INDEXES, INDEX_TABLES } from './index-schema.ts';
import type { Entity, ExportFile, VettedExport } from './manifest.ts';

const ROWS_PER_TRANSACTION = 10_000;
const BEIJING_OFFSET_H = 8;

type Value = string | number | null;

/** One entity file: its headers, its index table and how a row becomes the table's values. */
interface EntitySpec {
  headers: readonly string[];
  table: string;
  values(row: Row): Value[];
  hashed: boolean;
}

function field(row: Row, header: string): string {
  return row[header] ?? '';
}
const optional = (text: string) => (text === '' ? null : text);
const idNumber = (text: string) => sourceIdNumber('HB', text);
const plate = (text: string) => sourcePlate('HB', text);

/** `YYYY/MM/DD HH:mm:ss` Beijing time → ISO UTC with seconds. */
export function instant(text: string): string {
  const m = /^(\d{4})\/(\d{2})\/(\d{2}) (\d{2}):(\d{2}):(\d{2})$/.exec(text);
  const ms = m ? Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4] - BEIJING_OFFSET_H, +m[5], +m[6]) : NaN;
  if (Number.isNaN(ms)) throw new AdapterError('BAD_SOURCE_DATA', 'HB', `time "${text}" is not YYYY/MM/DD HH:mm:ss`);
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function date(text: string): string {
  if (!/^\d{4}\/\d{2}\/\d{2}$/.test(text)) throw new AdapterError('BAD_SOURCE_DATA', 'HB', `date "${text}" is not YYYY/MM/DD`);
  return text.replaceAll('/', '-');
}

function amount(text: string): number | null {
  if (text === '') return null;
  const n = Number(text);
  if (!Number.isFinite(n)) throw new AdapterError('BAD_SOURCE_DATA', 'HB', `amount "${text}" is not a number`);
  return n;
}

const mapped = <T>(table: Record<string, T>, label: string, fallback: T): [T, string | null] =>
  label in table ? [table[label], null] : [fallback, label];

const SPECS: Record<Entity, EntitySpec> = {
  persons: {
    headers: ['人員編號', '身份證號', '姓名', '性別', '出生日期', '戶籍地址', '聯繫電話', '更新時間'],
    table: 'person',
    hashed: true,
    values: (r) => {
      const [sex, sexCode] = mapped(SEX, field(r, '性別'), 'UNKNOWN' as const);
      return [
        field(r, '人員編號'),
        idNumber(field(r, '身份證號')),
        field(r, '身份證號'),
        field(r, '姓名'),
        sex,
        sexCode,
        date(field(r, '出生日期')),
        optional(field(r, '戶籍地址')),
        optional(field(r, '聯繫電話')),
        instant(field(r, '更新時間')),
      ];
    },
  },
  vehicles: {
    headers: ['車輛編號', '號牌號碼', '車輛識別代號', '品牌', '型號', '車身顏色', '能源類型', '所有人身份證號', '註冊日期', '更新時間'],
    table: 'vehicle',
    hashed: true,
    values: (r) => {
      const owner = field(r, '所有人身份證號');
      return [
        field(r, '車輛編號'),
        plate(field(r, '號牌號碼')),
        field(r, '號牌號碼'),
        field(r, '車輛識別代號'),
        field(r, '品牌'),
        field(r, '型號'),
        field(r, '車身顏色'),
        mapped(ENERGY, field(r, '能源類型'), 'FUEL' as const)[0],
        owner === '' ? null : idNumber(owner),
        date(field(r, '註冊日期')),
        instant(field(r, '更新時間')),
      ];
    },
  },
  cases: {
    headers: ['案件編號', '案件文號', '案件類別', '案件狀態', '報案時間', '發案地點', '損失金額', '簡要案情', '更新時間'],
    table: 'hb_case',
    hashed: true,
    values: (r) => [
      field(r, '案件編號'),
      field(r, '案件文號'),
      mapped(CASE_TYPE, field(r, '案件類別'), 'OTHER' as const)[0],
      field(r, '案件類別'),
      mapped(CASE_STATUS, field(r, '案件狀態'), 'UNKNOWN' as const)[0],
      field(r, '案件狀態'),
      instant(field(r, '報案時間')),
      field(r, '發案地點'),
      amount(field(r, '損失金額')),
      optional(field(r, '簡要案情')),
      instant(field(r, '更新時間')),
    ],
  },
  'case-parties': {
    headers: ['案件編號', '序號', '人員角色', '身份證號', '姓名'],
    table: 'case_party',
    hashed: false,
    values: (r) => [
      field(r, '案件編號'),
      Number(field(r, '序號')),
      mapped(ROLE, field(r, '人員角色'), 'WITNESS' as const)[0],
      idNumber(field(r, '身份證號')),
      field(r, '姓名'),
    ],
  },
  'case-vehicles': {
    headers: ['案件編號', '號牌號碼'],
    table: 'case_vehicle',
    hashed: false,
    values: (r) => [field(r, '案件編號'), plate(field(r, '號牌號碼'))],
  },
  'case-officers': {
    headers: ['案件編號', '序號', '警號', '辦案職責', '協作單位'],
    table: 'case_officer',
    hashed: false,
    // Listed on the case means assigned: an unknown duty label reads as MEMBER.
    values: (r) => [
      field(r, '案件編號'),
      Number(field(r, '序號')),
      sourceOfficerId('HB', field(r, '警號')),
      mapped(DUTY, field(r, '辦案職責'), 'MEMBER' as const)[0],
      optional(field(r, '協作單位')),
    ],
  },
  wanted: {
    headers: ['通緝編號', '身份證號', '通緝狀態', '通緝事由', '關聯案件編號', '發布時間', '更新時間'],
    table: 'notice',
    hashed: true,
    // An unknown status must not read as "not wanted": it is treated as in force.
    values: (r) => [
      field(r, '通緝編號'),
      idNumber(field(r, '身份證號')),
      mapped(WANTED_STATUS, field(r, '通緝狀態'), 'AT_LARGE' as const)[0],
      field(r, '通緝事由'),
      optional(field(r, '關聯案件編號')),
      instant(field(r, '發布時間')),
      instant(field(r, '更新時間')),
    ],
  },
  alerts: {
    headers: ['布控編號', '號牌號碼', '布控類型', '是否有效', '關聯案件編號', '布控時間', '更新時間'],
    table: 'alert',
    hashed: true,
    // Likewise an unknown "in force" flag keeps the alert in force.
    values: (r) => [
      field(r, '布控編號'),
      plate(field(r, '號牌號碼')),
      mapped(ALERT_KIND, field(r, '布控類型'), 'CASE_INVOLVED' as const)[0],
      mapped(ACTIVE, field(r, '是否有效'), true)[0] ? 1 : 0,
      optional(field(r, '關聯案件編號')),
      instant(field(r, '布控時間')),
      instant(field(r, '更新時間')),
    ],
  },
};

function rowHash(values: Value[]): string {
  return createHash('sha1').update(JSON.stringify(values)).digest('base64').slice(0, 22);
}

async function importFile(db: Database.Database, file: ExportFile): Promise<void> {
  const spec = SPECS[file.entity as Entity];
  let insert: Database.Statement | null = null;
  let line = 1;
  let pending = 0;
  db.exec('BEGIN');
  for await (const row of readRows(file, spec.headers)) {
    line++;
    let values: Value[];
    try {
      values = spec.values(row);
    } catch (error) {
      if (error instanceof AdapterError) throw new CsvRefusal(file, line, error.message.replace(/^HB: /, ''), error);
      throw error;
    }
    if (spec.hashed) values.push(rowHash(values));
    insert ??= db.prepare(`INSERT INTO ${spec.table} VALUES (${values.map(() => '?').join(', ')})`);
    try {
      insert.run(...values);
    } catch (error) {
      throw new CsvRefusal(file, line, `cannot be stored (${(error as Error).message}), e.g. a duplicate id`, error);
    }
    if (++pending >= ROWS_PER_TRANSACTION) {
      db.exec('COMMIT; BEGIN');
      pending = 0;
    }
  }
  db.exec('COMMIT');
}

/** Build the index file for `vetted` at `path`; on refusal nothing is left behind. */
export async function buildIndex(vetted: VettedExport, path: string): Promise<void> {
  const temp = `${path}.${process.pid}.${Date.now()}.building`;
  const db = new Database(temp);
  try {
    db.pragma('journal_mode = OFF');
    db.pragma('synchronous = OFF');
    db.exec(INDEX_TABLES);
    for (const file of vetted.files.values()) await importFile(db, file);
    db.exec(INDEX_INDEXES);
    db.prepare('INSERT INTO meta VALUES (?, ?)').run('export', vetted.name);
    db.close();
    await rename(temp, path);
  } catch (error) {
    if (db.open) db.close();
    await rm(temp, { force: true });
    if (error instanceof AdapterError) throw error;
    throw new AdapterError('BAD_SOURCE_DATA', 'HB', `export ${vetted.name}: cannot index ${basename(path)}: ${(error as Error).message}`, {
      cause: error,
    });
  }
}
