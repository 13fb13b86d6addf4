/**
 * HB's own 協查 module, the outside world of the HB adapter's drop folder: its intake
 * takes the request files out of `hb/xiecha-in/` into HB's store (`hb/xiecha-store.json`),
 * its officers accept, answer or decline — in HB's system, or through the graph, which drops
 * an action file for HB to take (actions.ts) — and its next export carries every request it
 * holds in the `assistance` file and every step taken or refused in `assistance-steps`
 * (format.ts). A dropped file is removed only once an export holding it is complete, so a
 * request or an action is never invisible in between.
 *
 *   await hbAssistanceCycle(dataDir, new Date(), [{ id, by: '4200001', note: '已查', records: ['HB:P…'] }]);
 */
import { existsSync } from 'node:fs';
import { readdir, readFile, rm, writeFile, rename } from 'node:fs/promises';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import iconv from 'iconv-lite';
import { droppedHbActions, hbRecordIds, stepRows, takeHbAction, type StoredRequest } from './actions.ts';
import { HB_ACTION_FILE, HB_DROP_DIR, HB_REQUEST_HEADERS, toHbDateTime } from './format.ts';
import { newestExport, republishHbExport } from './republish.ts';
import { hbExportsDir } from './writer.ts';

const STORE = 'hb/xiecha-store.json';

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
  // Action files (`…-SL.csv`) are officers' steps, not requests: actions.ts takes them.
  for (const name of (await readdir(dir).catch(() => [] as string[])).filter((n) => n.endsWith('.csv') && !HB_ACTION_FILE.test(n)).sort()) {
    let rows: Record<string, string>[];
    try {
      rows = parse(iconv.decode(await readFile(join(dir, name)), 'gbk'), { columns: true, skip_empty_lines: true }) as Record<
        string,
        string
      >[];
    } catch {
      // No CSV HB can read: set aside (`.rejected`), so one bad file does not stop every later turn.
      await rename(join(dir, name), join(dir, `${name}.rejected`));
      continue;
    }
    for (const row of rows) {
      const fields = HB_REQUEST_HEADERS.map((h) => row[h] ?? '');
      if (!store[fields[0]]) store[fields[0]] = { fields, state: '待處理', reply: '', records: '', by: '', at: '' };
      taken.push(fields[0]);
    }
  }
  await writeStore(dataDir, store);
  return taken;
}

/**
 * An officer answers or declines in HB's system (its screens: they check the request and
 * its state; the records are the officer's to choose, so HB does not check them here).
 */
export async function actOnHbRequest(dataDir: string, action: HbOfficerAction): Promise<void> {
  const store = await readStore(dataDir);
  const request = store[action.id];
  if (!request) throw new Error(`HB holds no 協查 request ${action.id}`);
  const why = takeHbAction(
    request,
    {
      id: action.id,
      code: action.decline ? '退回' : '反饋',
      reply: action.note,
      records: action.records ?? [],
      by: action.by,
      at: toHbDateTime((action.at ?? new Date()).toISOString()),
    },
    () => true,
  );
  if (why !== null) throw new Error(`HB refuses to act on 協查 request ${action.id}: ${why}`);
  await writeStore(dataDir, store);
}

/**
 * HB's intake of the officers' action files: each taken or refused (recorded on the
 * request either way). Returns the files done with; one naming a request HB does not hold,
 * or that is not a whole action, is renamed `….rejected` and stays in the folder for HB's
 * staff (there is no request to record it on).
 */
async function ingestHbActions(dataDir: string, store: Record<string, StoredRequest>): Promise<string[]> {
  const dropped = await droppedHbActions(dataDir);
  if (dropped.length === 0) return [];
  const holds = await hbRecordIds(dataDir, await newestExport(hbExportsDir(dataDir)));
  const taken: string[] = [];
  for (const { file, action } of dropped) {
    const request = action ? store[action.id] : undefined;
    if (!action || !request) {
      await rename(join(dataDir, HB_DROP_DIR, file), join(dataDir, HB_DROP_DIR, `${file}.rejected`));
      continue;
    }
    takeHbAction(request, action, (id) => holds.has(id));
    taken.push(file);
  }
  return taken;
}

/**
 * One turn of HB's system: take in the drop folder, apply the officers' actions, publish
 * the next export (the data unchanged, the `assistance` file with every request held),
 * then remove the dropped files that export now holds. Returns the export's name.
 */
export async function hbAssistanceCycle(dataDir: string, at: Date, actions: readonly HbOfficerAction[] = []): Promise<string> {
  const taken = await ingestHbRequests(dataDir);
  const store = await readStore(dataDir);
  const actionFiles = await ingestHbActions(dataDir, store);
  await writeStore(dataDir, store);
  for (const action of actions) await actOnHbRequest(dataDir, action);
  const held = await readStore(dataDir);
  const rows = Object.values(held).map((r) => [...r.fields, r.state, r.reply, r.records, r.by, r.at]);
  const steps = Object.entries(held).flatMap(([id, r]) => stepRows(id, r));
  const name = await republishHbExport(dataDir, at, (_entity, row) => row, rows, steps);
  for (const id of taken) await rm(join(dataDir, HB_DROP_DIR, `${id}.csv`), { force: true });
  for (const file of actionFiles) await rm(join(dataDir, HB_DROP_DIR, file), { force: true });
  return name;
}
