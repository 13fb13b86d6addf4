/**
 * The GZ legacy service's HTTP surface: `/api/v1/<resource>` with offset paging and the
 * legacy envelope `{"code":0,"msg":"ok","data":…}`, batch lookups, a change feed, and
 * an `/admin` surface for tests and demos (edit a record, set latency, inject faults).
 *
 * Every `/api/v1` answer waits `latencyMs` first, so a slow region can be simulated.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { GzRequestError, type GzStore, MAX_CHANGES } from './store.ts';

const MAX_BODY_BYTES = 1 << 20;

/** Broken answers the service can be told to give, to test clients against them. */
export const FAULTS = ['none', 'malformed-json', 'bad-envelope', 'http-500'] as const;
export type Fault = (typeof FAULTS)[number];

export interface ServiceState {
  latencyMs: number;
  fault: Fault;
}

type Reply = { status: number; body: unknown };
const ok = (data: unknown): Reply => ({ status: 200, body: { code: 0, msg: 'ok', data } });

async function readJson(req: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) throw new GzRequestError(4013, `請求過大: body over ${MAX_BODY_BYTES} bytes`);
    chunks.push(chunk as Buffer);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  let parsed: unknown;
  try {
    parsed = text ? JSON.parse(text) : {};
  } catch {
    throw new GzRequestError(4000, `請求格式錯誤: body is not JSON: ${text.slice(0, 80)}`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new GzRequestError(4000, '請求格式錯誤: expected a JSON object');
  }
  return parsed as Record<string, unknown>;
}

/** A batch names exactly one key column: `{"sfzh":[…]}` in a POST body or `?sfzh=a,b` in a GET. */
async function batchKeys(req: IncomingMessage, query: URLSearchParams): Promise<[string, unknown[]]> {
  const entries: [string, unknown][] =
    req.method === 'POST' ? Object.entries(await readJson(req)) : [...query].map(([k, v]) => [k, v === '' ? [] : v.split(',')]);
  if (entries.length !== 1 || !Array.isArray(entries[0][1])) {
    throw new GzRequestError(4001, '參數錯誤: a batch lookup names exactly one key column with a list of keys, e.g. {"sfzh":["…"]}');
  }
  return entries[0] as [string, unknown[]];
}

function changes(store: GzStore, query: URLSearchParams): Reply {
  const raw = query.get('since');
  if (raw === null) return ok({ zdxh: store.lastChange(), rows: [] });
  const since = Number(raw);
  const limit = Number(query.get('limit') ?? MAX_CHANGES);
  if (!Number.isInteger(since) || since < 0) throw new GzRequestError(4001, `參數錯誤 since="${raw}": expected a change number ≥ 0`);
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_CHANGES) {
    throw new GzRequestError(4001, `參數錯誤 limit="${query.get('limit')}": expected 1 to ${MAX_CHANGES}`);
  }
  return ok({ zdxh: store.lastChange(), rows: store.changesSince(since, limit) });
}

async function api(store: GzStore, req: IncomingMessage, parts: string[], query: URLSearchParams): Promise<Reply> {
  const [resource, action] = parts;
  if (resource === 'health' && parts.length === 1) {
    store.ping();
    return ok({ zt: 'UP', xtmc: '貴州省公安綜合信息系統（模擬）' });
  }
  if (resource === 'changes' && parts.length === 1) return changes(store, query);
  if (resource === 'xiecha') return xiecha(store, req, parts, query);
  if (action === 'batch' && parts.length === 2) {
    const [column, keys] = await batchKeys(req, query);
    return ok({ rows: store.batch(resource, column, keys) });
  }
  if (parts.length === 1 && req.method === 'GET') return ok(store.search(resource, query));
  throw new GzRequestError(4004, `無此接口 ${req.method} /api/v1/${parts.join('/')}`);
}

/** The 協查 endpoints (assistance.ts). */
async function xiecha(store: GzStore, req: IncomingMessage, parts: string[], query: URLSearchParams): Promise<Reply> {
  const desk = store.assistance;
  if (parts.length === 1 && req.method === 'POST') return ok(desk.create(await readJson(req)));
  if (parts.length === 1 && req.method === 'GET') return ok({ rows: desk.inbox(query.get('zt')) });
  if (parts.length === 2 && parts[1] === 'batch' && req.method === 'POST') {
    const [column, keys] = await batchKeys(req, query);
    if (column !== 'xcbh') throw new GzRequestError(4001, `參數錯誤: xiecha is looked up by "xcbh", got "${column}"`);
    return ok({ rows: desk.byIds(keys) });
  }
  if (parts.length === 3 && req.method === 'POST') return ok(desk.act(parts[1], parts[2], await readJson(req)));
  throw new GzRequestError(4004, `無此接口 ${req.method} /api/v1/${parts.join('/')}`);
}

async function admin(store: GzStore, state: ServiceState, req: IncomingMessage, name: string): Promise<Reply> {
  if (req.method === 'GET' && name === 'latency') return ok({ latencyMs: state.latencyMs });
  if (req.method !== 'POST') throw new GzRequestError(4004, `無此接口 ${req.method} /admin/${name}`);
  const body = await readJson(req);
  if (name === 'update') {
    if (typeof body.bm !== 'string' || typeof body.jlbh !== 'string' || typeof body.sz !== 'object' || body.sz === null) {
      throw new GzRequestError(4001, '參數錯誤: expected {"bm": table, "jlbh": record id, "sz": {column: value}}');
    }
    return ok({ xh: store.update(body.bm, body.jlbh, body.sz as Record<string, unknown>) });
  }
  if (name === 'latency') {
    state.latencyMs = parseLatency(body.ms, 'ms');
    return ok({ latencyMs: state.latencyMs });
  }
  if (name === 'fault') {
    if (!FAULTS.includes(body.mode as Fault))
      throw new GzRequestError(4001, `參數錯誤 mode=${JSON.stringify(body.mode)}: expected one of ${FAULTS.join(', ')}`);
    state.fault = body.mode as Fault;
    return ok({ fault: state.fault });
  }
  throw new GzRequestError(4004, `無此接口 POST /admin/${name}`);
}

export function parseLatency(value: unknown, name: string): number {
  const n = typeof value === 'string' ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 0 || n > 600_000) {
    throw new GzRequestError(4001, `參數錯誤 ${name}=${JSON.stringify(value)}: expected whole milliseconds from 0 to 600000`);
  }
  return n;
}

function send(res: ServerResponse, reply: Reply): void {
  res.writeHead(reply.status, { 'content-type': 'application/json; charset=utf-8' });
  res.end(JSON.stringify(reply.body));
}

/** Writes the broken answer `fault` asks for; false when there is none to give. */
function sendFault(res: ServerResponse, fault: Fault): boolean {
  if (fault === 'none') return false;
  if (fault === 'http-500') {
    res.writeHead(500, { 'content-type': 'text/html' });
    res.end('<html><body>500 Internal Server Error</body></html>');
  } else {
    res.writeHead(200, { 'content-type': 'application/json; charset=utf-8' });
    res.end(fault === 'malformed-json' ? '{"code":0,"msg":"ok","data":{"rows":[{"rkbh":' : '{"status":"success","result":[]}');
  }
  return true;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export function createGzHandler(store: GzStore, state: ServiceState) {
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://gz.invalid');
    const parts = url.pathname.split('/').filter(Boolean);
    try {
      if (parts[0] === 'api' && parts[1] === 'v1') {
        if (state.latencyMs > 0) await sleep(state.latencyMs);
        if (sendFault(res, state.fault)) return;
        send(res, await api(store, req, parts.slice(2), url.searchParams));
      } else if (parts[0] === 'admin' && parts.length === 2) {
        send(res, await admin(store, state, req, parts[1]));
      } else {
        send(res, { status: 404, body: { code: 4004, msg: `無此接口 ${url.pathname}`, data: null } });
      }
    } catch (error) {
      if (res.headersSent) return void res.destroy();
      const known = error instanceof GzRequestError;
      send(res, {
        status: known ? (error.code === 4004 ? 404 : 200) : 500,
        body: { code: known ? error.code : 5000, msg: error instanceof Error ? error.message : String(error), data: null },
      });
    }
  };
}
