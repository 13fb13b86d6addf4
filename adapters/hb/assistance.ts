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
 * - an HB officer's accept / answer / decline through the graph is an action file in the
 *   same folder (`step`, desk-actions.ts); until HB's next export the request is shown
 *   with it as submitted.
 */
import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import iconv from 'iconv-lite';
import {
  AdapterError,
  STEP_ALLOWED_FROM,
  stepAlreadyTaken,
  type AssistanceDesk,
  type AssistanceKind,
  type AssistanceRequestRecord,
  type AssistanceStatus,
  type AssistanceStep,
  type AssistanceUrgency,
  type NewAssistanceRequest,
} from '../adapter.ts';
import { regionCodeFor } from '../support/code-table.ts';
import { readRows, type Row } from './csv-reader.ts';
import {
  actionFileNames,
  asSubmitted,
  dropAction,
  HB_OFFICER,
  historyOfSteps,
  officerAsRecorded,
  STEP_HEADERS,
  waitingActions,
} from './desk-actions.ts';
import { quoteInput } from '../../common/normalise/index.ts';
import { dropFile, hbTime } from './drop-file.ts';
import { instant } from './importer.ts';
import { completeExports, vetExport, type ExportFile } from './manifest.ts';

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
function mapped<T>(table: Record<string, T>, code: string, column: string): T {
  const value = table[code];
  if (value === undefined) throw new AdapterError('BAD_SOURCE_DATA', 'HB', `協查 ${column} holds the unknown code "${code}"`);
  return value;
}

/** `steps`: the request's rows of the export's steps file (without them only the last step is known). */
function fromRow(row: Row, steps?: readonly Row[]): AssistanceRequestRecord {
  const list = (text: string | undefined) => (text ? text.split(';') : []);
  const status = row['狀態'] ? mapped(STATE, row['狀態'], '狀態') : 'PENDING';
  const requestedAt = instant(row['請求時間']);
  const received = { at: requestedAt, status: 'PENDING' as AssistanceStatus, by: row['請求人'], note: row['備注'] || null };
  // A request HB took before it kept its steps has only its last one on record.
  const history = steps?.length ? historyOfSteps(received, steps) : [received];
  if (!steps?.length && status !== 'PENDING' && row['處理時間'])
    history.push({ at: instant(row['處理時間']), status, by: officerAsRecorded(row['處理人']), note: row['反饋意見'] || null });
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
    const existing = await this.held(id);
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
    await dropFile(join(this.settings.dropDir, `${id}.csv`), REQUEST_HEADERS, row);
    const made = await this.held(id);
    return { request: made!, created: true };
  }

  /**
   * An HB officer's step: dropped for HB's intake as an action file (desk-actions.ts) after
   * HB's own rules are checked here against the request as submitted (a repeat writes
   * nothing; a step its state does not allow is CONFLICT). Returns the request as
   * submitted; HB's next export carries it as taken — or refused, in its steps.
   */
  async step(id: string, step: AssistanceStep): Promise<AssistanceRequestRecord> {
    const [request] = await this.requestsById([id]);
    if (!request) throw new AdapterError('NOT_FOUND', 'HB', `HB holds no 協查 request ${id}`);
    if (stepAlreadyTaken(request, step)) return request;
    if (!STEP_ALLOWED_FROM[step.status].includes(request.status))
      throw new AdapterError('CONFLICT', 'HB', `協查 request ${id} is ${request.status}; it cannot become ${step.status}`);
    // HB's rule, checked before dropping so the caller hears it at once: only HB's own officers act on its requests.
    if (!HB_OFFICER.test(step.by))
      throw new AdapterError(
        'BAD_INPUT',
        'HB',
        `HB takes steps only from its own officers (HB-NNNNNNN); the caller is ${quoteInput(step.by)}`,
      );
    await dropAction(this.settings.dropDir, id, step);
    const [submitted] = await this.requestsById([id]);
    return submitted!;
  }

  /**
   * Reads only the asked ids' dropped files, not the whole folder: every submit asks for
   * its own id (to find a repeat), and a folder of waiting requests must not make each
   * submit slower than the last (bench workload 8).
   */
  async requestsById(ids: readonly string[]): Promise<(AssistanceRequestRecord | null)[]> {
    return Promise.all(
      ids.map(async (id) => {
        const found = await this.held(id);
        // With its officers' steps still waiting in the folder shown as submitted.
        return found && asSubmitted(found, await waitingActions(this.settings.dropDir, id));
      }),
    );
  }

  /** The request as exported, else as dropped; without steps waiting in the folder. */
  private async held(id: string): Promise<AssistanceRequestRecord | null> {
    const found = (await this.exported()).get(id);
    if (found) return found;
    // Only a well-formed id names a file: anything else (`../x`) is no request of ours.
    return DROPPED_ID.test(id) ? this.readDropped(join(this.settings.dropDir, `${id}.csv`)) : null;
  }

  async inbox(status: AssistanceStatus | null): Promise<AssistanceRequestRecord[]> {
    return [...(await this.all()).values()]
      .filter((r) => status === null || r.status === status)
      .sort((a, b) => b.requestedAt.localeCompare(a.requestedAt) || b.id.localeCompare(a.id));
  }

  /** The exported requests, then the dropped ones HB's intake has not exported yet; steps waiting shown as submitted. */
  private async all(): Promise<Map<string, AssistanceRequestRecord>> {
    const all = new Map(await this.exported());
    const names = await readdir(this.settings.dropDir).catch(() => [] as string[]);
    for (const name of names) {
      const id = name.endsWith('.csv') ? name.slice(0, -4) : '';
      if (!DROPPED_ID.test(id) || all.has(id)) continue;
      const dropped = await this.readDropped(join(this.settings.dropDir, name));
      if (dropped) all.set(id, dropped);
    }
    const present = new Set(names);
    for (const [id, request] of all) {
      const waiting = actionFileNames(id).filter((n) => present.has(n));
      if (waiting.length) all.set(id, asSubmitted(request, await waitingActions(this.settings.dropDir, id, waiting)));
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
    const { extras } = await vetExport(this.settings.exportsDir, name);
    const file = extras.get('assistance');
    const steps = await this.exportedSteps(extras.get('assistance-steps'));
    if (file) {
      for await (const row of readRows(file, ASSISTANCE_HEADERS)) {
        const request = fromRow(row, steps && (steps.get(row['請求編號']) ?? []));
        requests.set(request.id, request);
      }
    }
    this.cached = { name, requests };
    return requests;
  }

  /** The steps file's rows by request, or undefined for an export from before HB kept them. */
  private async exportedSteps(file: ExportFile | undefined): Promise<Map<string, Row[]> | undefined> {
    if (!file) return undefined;
    const steps = new Map<string, Row[]>();
    for await (const row of readRows(file, STEP_HEADERS)) steps.set(row['請求編號'], [...(steps.get(row['請求編號']) ?? []), row]);
    return steps;
  }

  private async readDropped(path: string): Promise<AssistanceRequestRecord | null> {
    const bytes = await readFile(path).catch(() => null);
    if (!bytes) return null; // taken in by HB's intake meanwhile
    const records = parse(iconv.decode(bytes, 'gbk'), { columns: true, skip_empty_lines: true }) as Row[];
    // Not taken in by HB yet: the request itself is shown as submitted.
    return records[0] ? { ...fromRow(records[0]), awaiting: ['PENDING'] } : null;
  }
}
