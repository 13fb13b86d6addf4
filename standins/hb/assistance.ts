/**
 * HB's own 協查 module, the outside world of the HB adapter's drop folder: its intake
 * takes the request files out of `hb/xiecha-in/` into HB's store (`hb/xiecha-store.json`),
 * its officers answer or decline in HB's system, and its next export carries every request
 * it holds in the `assistance` file (format.ts). A dropped file is removed only once an
 * export holding it is complete, so a request is never invisible in between.
 *
 *   await hbAssistanceCycle(dataDir, new Date(), [{ id, by: '4200001', note: '已查', records: ['HB:P…'] }]);
 */
import { existsSync } from 'node:fs';
import { readdir, readFile, rm, writeFile, rename } from 'node:fs/promises';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import iconv from 'iconv-lite';
import { HB_DROP_DIR, HB_REQUEST_HEADERS, toHbDateTime } from './format.ts';
import { republishHbExport } from './republish.ts';

const STORE = 'hb/xiecha-store.json';

interface StoredRequest {
  fields: string[]; // HB_REQUEST_HEADERS order
  state: '待處理' | '已受理' | '已反饋' | '已退回';
  reply: string;
  records: string;
  by: string;
  at: string;
}

/** What an HB officer does with a request in HB's own system. */
export interface HbOfficerAction {
  id: string;
  by: string;
  at?: Date;
  note: string;
  /** Liandong ids of HB records answering it; absent for a decline. */
  records?: string[];
  decline?: boolean;
}

async function readStore(dataDir: string): Promise<Record<string, StoredRequest>> {
  const path = join(dataDir, STORE);
  return existsSync(path) ? (JSON.parse(await readFile(path, 'utf8')) as Record<string, StoredRequest>) : {};
}

async function writeStore(dataDir: string, store: Record<string, StoredRequest>): Promise<void> {
  const path = join(dataDir, STORE);
  await writeFile(`${path}.tmp`, JSON.stringify(store, null, 1));
  await rename(`${path}.tmp`, path);
}

/** HB's intake: every request file in the drop folder into the store (by 請求編號, once). */
export async function ingestHbRequests(dataDir: string): Promise<string[]> {
  const dir = join(dataDir, HB_DROP_DIR);
  const store = await readStore(dataDir);
  const taken: string[] = [];
  for (const name of (await readdir(dir).catch(() => [] as string[])).filter((n) => n.endsWith('.csv')).sort()) {
    const rows = parse(iconv.decode(await readFile(join(dir, name)), 'gbk'), { columns: true, skip_empty_lines: true }) as Record<
      string,
      string
    >[];
    for (const row of rows) {
      const fields = HB_REQUEST_HEADERS.map((h) => row[h] ?? '');
      if (!store[fields[0]]) store[fields[0]] = { fields, state: '待處理', reply: '', records: '', by: '', at: '' };
      taken.push(fields[0]);
    }
  }
  await writeStore(dataDir, store);
  return taken;
}

/** An officer answers or declines in HB's system. */
export async function actOnHbRequest(dataDir: string, action: HbOfficerAction): Promise<void> {
  const store = await readStore(dataDir);
  const request = store[action.id];
  if (!request) throw new Error(`HB holds no 協查 request ${action.id}`);
  request.state = action.decline ? '已退回' : '已反饋';
  request.reply = action.note;
  request.records = (action.records ?? []).join(';');
  request.by = action.by;
  request.at = toHbDateTime((action.at ?? new Date()).toISOString());
  await writeStore(dataDir, store);
}

/**
 * One turn of HB's system: take in the drop folder, apply the officers' actions, publish
 * the next export (the data unchanged, the `assistance` file with every request held),
 * then remove the dropped files that export now holds. Returns the export's name.
 */
export async function hbAssistanceCycle(dataDir: string, at: Date, actions: readonly HbOfficerAction[] = []): Promise<string> {
  const taken = await ingestHbRequests(dataDir);
  for (const action of actions) await actOnHbRequest(dataDir, action);
  const store = await readStore(dataDir);
  const rows = Object.values(store).map((r) => [...r.fields, r.state, r.reply, r.records, r.by, r.at]);
  const name = await republishHbExport(dataDir, at, (_entity, row) => row, rows);
  for (const id of taken) await rm(join(dataDir, HB_DROP_DIR, `${id}.csv`), { force: true });
  return name;
}
