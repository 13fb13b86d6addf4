/**
 * HB officers' steps through the graph. HB's system takes an officer's 處置 (受理 accept,
 * 反饋 answer, 退回 decline) the way it takes requests: a GBK file in its drop folder,
 * `<請求編號>-<SL|FK|TH>.csv` (header and one row, written by rename so HB's intake never
 * reads half of it). One file per request and 處置: a repeat replaces it, never adds one.
 * HB's intake checks and takes it on its next turn and the export after carries the result
 * (the request's state, and the step — or its refusal — in `assistance-steps`).
 *
 * Until then the desk shows the request as submitted: a waiting action file is read back
 * onto the request as if taken, in HB's own order, when the request's state allows it —
 * the way a dropped request shows PENDING before HB has exported it.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import iconv from 'iconv-lite';
import { AdapterError, STEP_ALLOWED_FROM, type AssistanceEvent, type AssistanceRequestRecord, type AssistanceStep } from '../adapter.ts';
import { normaliseOfficerId } from '../../common/normalise/index.ts';
import { dropFile, hbTime } from './drop-file.ts';
import { instant } from './importer.ts';
import type { Row } from './csv-reader.ts';

const ACTION_HEADERS = ['請求編號', '處置', '反饋意見', '反饋記錄', '處理人', '處理時間'];
/** The file-name code of each step, and HB's 處置 for it; in HB's order within one second. */
const ACTIONS = [
  { status: 'ACCEPTED', file: 'SL', code: '受理' },
  { status: 'ANSWERED', file: 'FK', code: '反饋' },
  { status: 'DECLINED', file: 'TH', code: '退回' },
] as const;
export const ACTION_CODE: Record<string, AssistanceStep['status']> = { 受理: 'ACCEPTED', 反饋: 'ANSWERED', 退回: 'DECLINED' };

const actionPath = (dropDir: string, id: string, status: AssistanceStep['status']) =>
  join(dropDir, `${id}-${ACTIONS.find((a) => a.status === status)!.file}.csv`);

/** The names of a request's possible action files (one per 處置). */
export const actionFileNames = (id: string) => ACTIONS.map((a) => `${id}-${a.file}.csv`);

/** HB's own officers, as the graph names them: the only ones whose steps HB takes. */
export const HB_OFFICER = /^HB-\d{7}$/;

/** HB writes its own officers as the seven digits alone; anyone else's number as given (HB then refuses it). */
function hbOfficer(by: string): string {
  return HB_OFFICER.test(by) ? by.slice(3) : by;
}

/**
 * A 處理人 as HB recorded it, in Liandong's form where it is a police number. A refused
 * step keeps whatever the action file said: shown as written rather than making every
 * request in the export unreadable.
 */
export function officerAsRecorded(value: string): string {
  try {
    return normaliseOfficerId(value, 'HB');
  } catch {
    return value;
  }
}

/** Drops the step for HB's intake; `UNAVAILABLE` (nothing written) when the folder cannot take it. */
export async function dropAction(dropDir: string, id: string, step: AssistanceStep): Promise<void> {
  const action = ACTIONS.find((a) => a.status === step.status)!;
  const note = step.status === 'ANSWERED' ? step.note : step.status === 'DECLINED' ? step.reason : '';
  const records = step.status === 'ANSWERED' ? step.records.join(';') : '';
  await dropFile(actionPath(dropDir, id, step.status), ACTION_HEADERS, [
    id,
    action.code,
    note,
    records,
    hbOfficer(step.by),
    hbTime(step.at),
  ]);
}

export interface WaitingAction {
  status: AssistanceStep['status'];
  note: string;
  records: string[];
  by: string;
  at: string; // ISO
}

/** The request's action files still waiting in the folder (of those named), in HB's order. */
export async function waitingActions(
  dropDir: string,
  id: string,
  names: readonly string[] = actionFileNames(id),
): Promise<WaitingAction[]> {
  const found: WaitingAction[] = [];
  for (const name of names) {
    const bytes = await readFile(join(dropDir, name)).catch(() => null);
    if (!bytes) continue; // none, or taken by HB's intake meanwhile
    const [row] = parse(iconv.decode(bytes, 'gbk'), { columns: true, skip_empty_lines: true }) as Row[];
    const status = row ? ACTION_CODE[row['處置']] : undefined;
    if (!row || !status || row['請求編號'] !== id) continue; // not an action of this request: HB rejects it
    found.push({
      status,
      note: row['反饋意見'],
      records: row['反饋記錄'] ? row['反饋記錄'].split(';') : [],
      by: officerAsRecorded(row['處理人']),
      at: instant(row['處理時間']),
    });
  }
  // Stable: files are named in HB's order (SL, FK, TH), so within one second accept comes first.
  return found.sort((a, b) => a.at.localeCompare(b.at));
}

/** The request as it will be once HB takes the waiting actions its state allows (as HB will, in order). */
export function asSubmitted(request: AssistanceRequestRecord, waiting: readonly WaitingAction[]): AssistanceRequestRecord {
  let shown = request;
  for (const action of waiting) {
    if (!STEP_ALLOWED_FROM[action.status].includes(shown.status)) continue; // taken already, or HB will refuse it
    shown = {
      ...shown,
      status: action.status,
      answerNote: action.status === 'ANSWERED' ? action.note : shown.answerNote,
      answeredRecords: action.status === 'ANSWERED' ? action.records : shown.answeredRecords,
      declineReason: action.status === 'DECLINED' ? action.note : shown.declineReason,
      history: [...shown.history, { at: action.at, status: action.status, by: action.by, note: action.note || null }],
      awaiting: [...(shown.awaiting ?? []), action.status],
    };
  }
  return shown;
}

/** The export's `assistance-steps` file's columns (HB_STEP_HEADERS on HB's side). */
export const STEP_HEADERS = ['請求編號', '序號', '處置', '結果', '反饋意見', '反饋記錄', '處理人', '處理時間', '說明'];

/**
 * A request's history from HB's steps file: its receipt, then each 處置 in order. A refused
 * one (已拒收) is kept, not dropped: an entry with the status unchanged whose note says what
 * HB refused and why, so both sides see an action that did not happen.
 */
export function historyOfSteps(received: AssistanceEvent, steps: readonly Row[]): AssistanceEvent[] {
  const history = [received];
  let status = received.status;
  for (const step of [...steps].sort((a, b) => Number(a['序號']) - Number(b['序號']))) {
    const to = ACTION_CODE[step['處置']];
    if (!to) throw new AdapterError('BAD_SOURCE_DATA', 'HB', `協查 steps 處置 holds the unknown code "${step['處置']}"`);
    const refused = step['結果'] === '已拒收';
    if (!refused) status = to;
    history.push({
      at: instant(step['處理時間']),
      status,
      by: officerAsRecorded(step['處理人']),
      note: refused ? `HB 已拒收 ${step['處置']} (refused ${to}): ${step['說明']}` : step['反饋意見'] || null,
    });
  }
  return history;
}
