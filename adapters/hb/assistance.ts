/**
 * HB's write side: a drop folder. HB's exports are read-only; HB takes requests as GBK CSV
 * files in its drop folder (`<hb>/xiecha-in/<請求編號>.csv`: a header and one row, written
 * by rename so its intake never reads half a file). HB officers work them in HB's own
 * system, and every export after its intake carries the `assistance` file: each request HB
 * holds, with its state and answer. So:
 * - `submit` drops the file and answers PENDING at once; the id is derived from the
 *   idempotency key (`XQ` + 12 hex digits of its SHA-256), so a retry finds the file or
 *   the exported row and writes nothing;
 * - a request is read from the newest complete export, else from its file still in the folder;
 * - accept / answer / decline through the graph do not exist here (`step` is absent).
 */
import { createHash } from 'node:crypto';
import { readdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import iconv from 'iconv-lite';
import {
  AdapterError,
  type AssistanceDesk,
  type AssistanceKind,
  type AssistanceRequestRecord,
  type AssistanceStatus,
  type AssistanceUrgency,
  type NewAssistanceRequest,
} from '../adapter.ts';
import { regionCodeFor } from '../support/code-table.ts';
import { readRows, type Row } from './csv-reader.ts';
import { instant } from './importer.ts';
import { completeExports, vetExport } from './manifest.ts';

export const REQUEST_HEADERS = [
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
];
const ASSISTANCE_HEADERS = [...REQUEST_HEADERS, '狀態', '反饋意見', '反饋記錄', '處理人', '處理時間'];
const STATE: Record<string, AssistanceStatus> = { 待處理: 'PENDING', 已受理: 'ACCEPTED', 已反饋: 'ANSWERED', 已退回: 'DECLINED' };
const URGENCY: Record<string, AssistanceUrgency> = { 特急: 'URGENT', 加急: 'HIGH', 平件: 'NORMAL' };
const ASK: Record<string, AssistanceKind> = {
  人員信息: 'PERSON_RECORDS',
  聯系方式: 'CONTACT_DETAILS',
  涉案信息: 'CASES',
  車輛信息: 'VEHICLES',
};
const BEIJING_OFFSET_MS = 8 * 3_600_000;

/** ISO → HB's `YYYY/MM/DD HH:mm:ss` Beijing time. */
function hbTime(iso: string): string {
  const local = new Date(Date.parse(iso) + BEIJING_OFFSET_MS).toISOString();
  return `${local.slice(0, 10).replaceAll('-', '/')} ${local.slice(11, 19)}`;
}

function csvLine(fields: readonly string[]): Buffer {
  const quoted = fields.map((f) => (/[",\r\n]|^\s|\s$/.test(f) ? `"${f.replaceAll('"', '""')}"` : f));
  return iconv.encode(`${quoted.join(',')}\r\n`, 'gbk');
}

function mapped<T>(table: Record<string, T>, code: string, column: string): T {
  const value = table[code];
  if (value === undefined) throw new AdapterError('BAD_SOURCE_DATA', 'HB', `協查 ${column} holds the unknown code "${code}"`);
  return value;
}

function fromRow(row: Row): AssistanceRequestRecord {
  const list = (text: string | undefined) => (text ? text.split(';') : []);
  const status = row['狀態'] ? mapped(STATE, row['狀態'], '狀態') : 'PENDING';
  const requestedAt = instant(row['請求時間']);
  const history = [{ at: requestedAt, status: 'PENDING' as AssistanceStatus, by: row['請求人'], note: row['備注'] || null }];
  if (status !== 'PENDING' && row['處理時間'])
    history.push({ at: instant(row['處理時間']), status, by: row['處理人'], note: row['反饋意見'] || null });
  return {
    id: row['請求編號'],
    idempotencyKey: row['請求標識'],
    caseRef: row['案件編號'],
    fromRegion: row['請求地區'],
    requestedBy: row['請求人'],
    subjects: list(row['協查對象']),
    ask: list(row['協查內容']).map((k) => mapped(ASK, k, '協查內容')),
    urgency: mapped(URGENCY, row['緊急程度'], '緊急程度'),
    note: row['備注'] || null,
    status,
    requestedAt,
    deadline: instant(row['截止時間']),
    answerNote: status === 'ANSWERED' ? row['反饋意見'] || null : null,
    answeredRecords: status === 'ANSWERED' ? list(row['反饋記錄']) : [],
    declineReason: status === 'DECLINED' ? row['反饋意見'] || null : null,
    history,
  };
}

export interface HbAssistanceSettings {
  dropDir: string;
  exportsDir: string;
}

/** HB's request numbers as the desk makes them (`XQ` + 12 hex digits), and so the names of dropped files. */
const DROPPED_ID = /^XQ[0-9A-F]{12}$/;

export class HbAssistanceDesk implements AssistanceDesk {
  readonly channel = 'drop-folder' as const;
  private cached: { name: string; requests: Map<string, AssistanceRequestRecord> } | null = null;

  constructor(private readonly settings: HbAssistanceSettings) {}

  async submit(request: NewAssistanceRequest): Promise<{ request: AssistanceRequestRecord; created: boolean }> {
    const id = `XQ${createHash('sha256').update(request.idempotencyKey).digest('hex').slice(0, 12).toUpperCase()}`;
    const [existing] = await this.requestsById([id]);
    if (existing) return { request: existing, created: false };
    const row = [
      id,
      request.idempotencyKey,
      request.caseRef,
      request.fromRegion,
      request.requestedBy,
      request.subjects.join(';'),
      request.ask.map((k) => regionCodeFor(ASK, k)).join(';'),
      regionCodeFor(URGENCY, request.urgency),
      request.note ?? '',
      hbTime(request.requestedAt),
      hbTime(request.deadline),
    ];
    const path = join(this.settings.dropDir, `${id}.csv`);
    try {
      await writeFile(`${path}.tmp`, Buffer.concat([csvLine(REQUEST_HEADERS), csvLine(row)]));
      await rename(`${path}.tmp`, path);
    } catch (error) {
      throw new AdapterError(
        'UNAVAILABLE',
        'HB',
        `cannot write to HB's drop folder: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`,
        {
          cause: error,
        },
      );
    }
    const [made] = await this.requestsById([id]);
    return { request: made!, created: true };
  }

  /**
   * Reads only the asked ids' dropped files, not the whole folder: every submit asks for
   * its own id (to find a repeat), and a folder of waiting requests must not make each
   * submit slower than the last (bench workload 8).
   */
  async requestsById(ids: readonly string[]): Promise<(AssistanceRequestRecord | null)[]> {
    const exported = await this.exported();
    return Promise.all(
      ids.map(async (id) => {
        const found = exported.get(id);
        if (found) return found;
        // Only a well-formed id names a file: anything else (`../x`) is no request of ours.
        return DROPPED_ID.test(id) ? this.readDropped(join(this.settings.dropDir, `${id}.csv`)) : null;
      }),
    );
  }

  async inbox(status: AssistanceStatus | null): Promise<AssistanceRequestRecord[]> {
    return [...(await this.all()).values()]
      .filter((r) => status === null || r.status === status)
      .sort((a, b) => b.requestedAt.localeCompare(a.requestedAt) || b.id.localeCompare(a.id));
  }

  /** The exported requests, then the dropped ones HB's intake has not exported yet. */
  private async all(): Promise<Map<string, AssistanceRequestRecord>> {
    const all = new Map(await this.exported());
    for (const name of await readdir(this.settings.dropDir).catch(() => [] as string[])) {
      const id = name.endsWith('.csv') ? name.slice(0, -4) : '';
      if (!DROPPED_ID.test(id) || all.has(id)) continue;
      const dropped = await this.readDropped(join(this.settings.dropDir, name));
      if (dropped) all.set(id, dropped);
    }
    return all;
  }

  /**
   * The newest complete export's requests — not the one in service, which the adapter may
   * take up a poll later: HB removes a dropped file once an export holding it is complete.
   */
  private async exported(): Promise<Map<string, AssistanceRequestRecord>> {
    const [name] = await completeExports(this.settings.exportsDir);
    if (!name) return new Map();
    if (this.cached?.name === name) return this.cached.requests;
    const requests = new Map<string, AssistanceRequestRecord>();
    // Vetted like the data files: the manifest names it, with its size and row count.
    const file = (await vetExport(this.settings.exportsDir, name)).extras.get('assistance');
    if (file) {
      for await (const row of readRows(file, ASSISTANCE_HEADERS)) {
        const request = fromRow(row);
        requests.set(request.id, request);
      }
    }
    this.cached = { name, requests };
    return requests;
  }

  private async readDropped(path: string): Promise<AssistanceRequestRecord | null> {
    const bytes = await readFile(path).catch(() => null);
    if (!bytes) return null; // taken in by HB's intake meanwhile
    const records = parse(iconv.decode(bytes, 'gbk'), { columns: true, skip_empty_lines: true }) as Row[];
    return records[0] ? fromRow(records[0]) : null;
  }
}
