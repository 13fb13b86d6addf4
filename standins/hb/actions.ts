/**
 * HB's 協查 module, its officers' side: the 處置 (accept 受理, answer 反饋, decline 退回) HB
 * takes on a request it holds — from its own screens (actOnHbRequest) or from an action
 * file the Liandong adapter dropped for an HB officer working through the graph
 * (`<請求編號>-<SL|FK|TH>.csv`, format.ts). HB checks each one itself: the request exists,
 * its state allows the step, the officer is one of HB's, the answered records are HB's own.
 * A refused one is kept, with the reason, in the request's steps (the export's
 * `assistance-steps` file), so whoever asked for it sees that and why.
 */
import { createReadStream } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Transform } from 'node:stream';
import { parse as parseStream } from 'csv-parse';
import { parse } from 'csv-parse/sync';
import iconv from 'iconv-lite';
import { HB_ACTION_CODES, HB_ACTION_FILE, HB_ACTION_HEADERS, HB_DROP_DIR, dataFileName, type HbEntity } from './format.ts';
import { hbExportsDir } from './writer.ts';

export type HbState = '待處理' | '已受理' | '已反饋' | '已退回';
export type HbActionCode = (typeof HB_ACTION_CODES)[keyof typeof HB_ACTION_CODES];

/** One 處置 as HB keeps it (the steps file's columns). */
export interface StoredStep {
  code: HbActionCode;
  result: '已辦理' | '已拒收';
  reply: string;
  records: string;
  by: string;
  at: string; // HB time, YYYY/MM/DD HH:mm:ss Beijing
  why: string;
}

/** A request as HB's store holds it (assistance.ts). */
export interface StoredRequest {
  fields: string[]; // HB_REQUEST_HEADERS order
  state: HbState;
  reply: string;
  records: string;
  by: string;
  at: string;
  /** Absent in a store written before HB kept its steps. */
  steps?: StoredStep[];
}

/** A 處置 to take: HB's own columns. */
export interface HbAction {
  id: string;
  code: HbActionCode;
  reply: string;
  records: string[];
  by: string;
  at: string; // HB time
}

const RESULT_STATE: Record<HbActionCode, HbState> = { 受理: '已受理', 反饋: '已反饋', 退回: '已退回' };
const ALLOWED_FROM: Record<HbActionCode, HbState[]> = { 受理: ['待處理'], 反饋: ['待處理', '已受理'], 退回: ['待處理', '已受理'] };
const HB_OFFICER = /^\d{7}$/;

/** Why HB refuses the action, or null when it may be taken. `holds` says whether HB holds a record (Liandong id). */
function refusalOf(request: StoredRequest, action: HbAction, holds: (id: string) => boolean): string | null {
  if (!HB_OFFICER.test(action.by)) return `處理人 "${action.by}" 不是本省警號 (not an HB police number: seven digits)`;
  if (!ALLOWED_FROM[action.code].includes(request.state)) return `請求狀態為${request.state}，不能${action.code}`;
  if (action.code !== '受理' && action.reply.trim() === '') return '反饋意見不能為空 (the note or reason is empty)';
  if (action.code === '反饋') {
    if (action.records.length === 0) return '反饋記錄不能為空 (no records answered)';
    const foreign = action.records.find((id) => !id.startsWith('HB:') || !holds(id));
    if (foreign) return `反饋記錄 ${foreign} 不是本省記錄 (not a record HB holds)`;
  }
  return null;
}

/** The same 處置 again (the same file dropped twice, or taken already): nothing to do. */
function alreadyTaken(request: StoredRequest, action: HbAction): boolean {
  return request.state === RESULT_STATE[action.code] && request.reply === action.reply && request.records === action.records.join(';');
}

/**
 * Takes one 處置 on a request in the store: carried out, or refused and recorded so.
 * Returns the refusal's reason, or null. A request HB does not hold is the caller's to
 * report (there is no request to record it on).
 */
export function takeHbAction(request: StoredRequest, action: HbAction, holds: (id: string) => boolean): string | null {
  if (alreadyTaken(request, action)) return null;
  const why = refusalOf(request, action, holds);
  const step: StoredStep = {
    code: action.code,
    result: why === null ? '已辦理' : '已拒收',
    reply: action.reply,
    records: action.records.join(';'),
    by: action.by,
    at: action.at,
    why: why ?? '',
  };
  request.steps = [...(request.steps ?? []), step];
  if (why !== null) return why;
  Object.assign(request, { state: RESULT_STATE[action.code], reply: action.reply, records: step.records, by: action.by, at: action.at });
  return null;
}

/** The steps file's rows of a request (HB_STEP_HEADERS order). */
export function stepRows(id: string, request: StoredRequest): string[][] {
  return (request.steps ?? []).map((s, i) => [id, String(i + 1), s.code, s.result, s.reply, s.records, s.by, s.at, s.why]);
}

/** The action files waiting in the drop folder, oldest 處理時間 first (accept before answer within a second). */
export async function droppedHbActions(dataDir: string): Promise<{ file: string; action: HbAction | null }[]> {
  const dir = join(dataDir, HB_DROP_DIR);
  const order = Object.keys(HB_ACTION_CODES);
  const found: { file: string; action: HbAction | null; key: string }[] = [];
  for (const file of await readdir(dir).catch(() => [] as string[])) {
    const named = HB_ACTION_FILE.exec(file);
    if (!named) continue;
    const row = firstRow(iconv.decode(await readFile(join(dir, file)), 'gbk'));
    const code = HB_ACTION_CODES[named[2] as keyof typeof HB_ACTION_CODES];
    // A file whose row disagrees with its name, or lacks a column, is no action HB can take.
    const whole = row && HB_ACTION_HEADERS.every((h) => typeof row[h] === 'string') && row['請求編號'] === named[1] && row['處置'] === code;
    const action = whole
      ? {
          id: row['請求編號'],
          code,
          reply: row['反饋意見'],
          records: row['反饋記錄'] ? row['反饋記錄'].split(';') : [],
          by: row['處理人'],
          at: row['處理時間'],
        }
      : null;
    found.push({ file, action, key: `${action?.at ?? ''}|${order.indexOf(named[2])}|${file}` });
  }
  return found.sort((a, b) => a.key.localeCompare(b.key)).map(({ file, action }) => ({ file, action }));
}

/** The first row of an action file, or undefined when it is no CSV HB can read (set aside, like any action HB cannot take). */
function firstRow(text: string): Record<string, string> | undefined {
  try {
    return (parse(text, { columns: true, skip_empty_lines: true }) as Record<string, string>[])[0];
  } catch {
    return undefined;
  }
}

/** Liandong ids of the records HB's newest export holds (persons, vehicles, cases): what an answer may give. */
export async function hbRecordIds(dataDir: string, exportName: string): Promise<Set<string>> {
  const ids = new Set<string>();
  for (const entity of ['persons', 'vehicles', 'cases'] as HbEntity[]) {
    const rows = createReadStream(join(hbExportsDir(dataDir), dataFileName(exportName, entity)))
      .pipe(iconv.decodeStream('gbk') as unknown as Transform)
      .pipe(parseStream({ from_line: 2 }));
    for await (const row of rows as AsyncIterable<string[]>) ids.add(`HB:${row[0]}`);
  }
  return ids;
}
