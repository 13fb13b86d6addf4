/**
 * The HB regional system's nightly export format.
 *
 * Each export is a set of GBK-encoded CSV files (CRLF, Chinese headers, Beijing local
 * time) named `hb-export-YYYYMMDDTHHMMSS-<entity>.csv`, completed by a manifest
 * `hb-export-YYYYMMDDTHHMMSS.manifest.json` written last (by rename) that lists each
 * file with its row count and byte size. An export without a manifest is still being
 * written.
 */
import iconv from 'iconv-lite';

export const HB_EXPORTS_DIR = 'hb/exports';
export const EXPORT_PREFIX = 'hb-export-';
/** The export the generator writes (02:00 Beijing time on the generator's "today"). */
export const SEED_EXPORT_AT = new Date('2026-11-28T18:00:00Z');

export type HbEntity = 'persons' | 'vehicles' | 'cases' | 'case-parties' | 'case-vehicles' | 'case-officers' | 'wanted' | 'alerts';

export const HB_HEADERS: Record<HbEntity, readonly string[]> = {
  persons: ['人員編號', '身份證號', '姓名', '性別', '出生日期', '戶籍地址', '聯繫電話', '更新時間'],
  vehicles: ['車輛編號', '號牌號碼', '車輛識別代號', '品牌', '型號', '車身顏色', '能源類型', '所有人身份證號', '註冊日期', '更新時間'],
  cases: ['案件編號', '案件文號', '案件類別', '案件狀態', '報案時間', '發案地點', '損失金額', '簡要案情', '更新時間'],
  'case-parties': ['案件編號', '序號', '人員角色', '身份證號', '姓名'],
  'case-vehicles': ['案件編號', '號牌號碼'],
  // 警號: HB writes its own officers' seven digits alone, other regions' with their code (JS-0310552).
  'case-officers': ['案件編號', '序號', '警號', '辦案職責', '協作單位'],
  wanted: ['通緝編號', '身份證號', '通緝狀態', '通緝事由', '關聯案件編號', '發布時間', '更新時間'],
  alerts: ['布控編號', '號牌號碼', '布控類型', '是否有效', '關聯案件編號', '布控時間', '更新時間'],
};

export const HB_ENTITIES = Object.keys(HB_HEADERS) as HbEntity[];

/**
 * HB's 協查 module. Requests arrive as GBK CSV files (one request a file, header then one
 * row) in the drop folder `hb/xiecha-in/`, named `<請求編號>.csv` and written by rename; HB's
 * intake takes them into its own store, and every export from then on carries the file
 * `assistance` listing each request it holds with its state and answer.
 */
export const HB_DROP_DIR = 'hb/xiecha-in';
export const HB_REQUEST_HEADERS = [
  '請求編號',
  '請求標識',
  '案件編號',
  '請求地區',
  '請求人',
  '協查對象',
  '協查內容',
  '緊急程度',
  '備注',
  '請求時間',
  '截止時間',
] as const;
export const HB_ASSISTANCE_HEADERS = [...HB_REQUEST_HEADERS, '狀態', '反饋意見', '反饋記錄', '處理人', '處理時間'] as const;

/**
 * An officer's 處置 (受理 accept, 反饋 answer, 退回 decline) of a request, dropped into the
 * same folder as one GBK file `<請求編號>-<SL|FK|TH>.csv` (header and one row, written by
 * rename): one file per request and 處置, so a repeat replaces it rather than adding one.
 * 處理人 is an HB police number (seven digits), 反饋記錄 Liandong ids of HB's records (`;`).
 */
export const HB_ACTION_HEADERS = ['請求編號', '處置', '反饋意見', '反饋記錄', '處理人', '處理時間'] as const;
export const HB_ACTION_FILE = /^(.+)-(SL|FK|TH)\.csv$/;
export const HB_ACTION_CODES = { SL: '受理', FK: '反饋', TH: '退回' } as const;
/**
 * Every 處置 HB took on its requests, in order, whether carried out (已辦理) or refused
 * (已拒收, with the reason in 說明): the export's `assistance-steps` file, so a refused
 * action is on record on both sides rather than gone.
 */
export const HB_STEP_HEADERS = ['請求編號', '序號', '處置', '結果', '反饋意見', '反饋記錄', '處理人', '處理時間', '說明'] as const;

export interface ManifestEntry {
  entity: HbEntity | 'assistance' | 'assistance-steps';
  file: string;
  rows: number;
  bytes: number;
}

export interface Manifest {
  export: string;
  exportedAt: string;
  encoding: 'GBK';
  files: ManifestEntry[];
}

const BEIJING_OFFSET_MS = 8 * 3_600_000;

/** `hb-export-20261129T020000` for an instant (named in Beijing time, as HB's job does). */
export function exportName(at: Date): string {
  const local = new Date(at.getTime() + BEIJING_OFFSET_MS).toISOString();
  return `${EXPORT_PREFIX}${local.slice(0, 19).replace(/[-:]/g, '')}`;
}

export const dataFileName = (name: string, entity: HbEntity) => `${name}-${entity}.csv`;
export const manifestFileName = (name: string) => `${name}.manifest.json`;

/** ISO UTC instant → HB's `YYYY/MM/DD HH:mm:ss` in Beijing time. */
export function toHbDateTime(iso: string): string {
  const local = new Date(Date.parse(iso) + BEIJING_OFFSET_MS).toISOString();
  return `${local.slice(0, 10).replaceAll('-', '/')} ${local.slice(11, 19)}`;
}

export const toHbDate = (isoDate: string) => isoDate.replaceAll('-', '/');

function csvField(value: string): string {
  return /[",\r\n]|^\s|\s$/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}

/** One CSV line in GBK, CRLF-terminated. */
export function encodeRow(fields: readonly (string | number | null)[]): Buffer {
  const line = fields.map((f) => csvField(f === null ? '' : String(f))).join(',');
  return iconv.encode(`${line}\r\n`, 'gbk');
}
