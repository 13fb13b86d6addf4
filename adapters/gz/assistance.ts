/**
 * GZ's write side over its legacy 協查 endpoints (standins/gz/assistance.ts describes
 * them): Liandong's request and steps become GZ's bodies, codes and Beijing times, and GZ's
 * rows come back in the contract's terms. Direct channel: GZ officers accept, answer and
 * decline through the graph. GZ's 4041 / 4090 refusals arrive as NOT_FOUND / CONFLICT
 * (client.ts); a GZ that cannot be reached is UNAVAILABLE — and since GZ makes at most one
 * request per `qqbs`, a retry after a lost answer returns the request the first attempt made.
 */
import type {
  AssistanceDesk,
  AssistanceKind,
  AssistanceRequestRecord,
  AssistanceStatus,
  AssistanceStep,
  AssistanceUrgency,
  NewAssistanceRequest,
} from '../adapter.ts';
import { regionCodeFor } from '../support/code-table.ts';
import type { GzClient } from './client.ts';
import { gzTimeOf, isoTimeFromGz } from './dates.ts';
import { badData } from './errors.ts';

const STATE: Record<string, AssistanceStatus> = { 0: 'PENDING', 1: 'ACCEPTED', 2: 'ANSWERED', 9: 'DECLINED' };
const URGENCY: Record<string, AssistanceUrgency> = { 1: 'URGENT', 2: 'HIGH', 3: 'NORMAL' };
const ASK: Record<string, AssistanceKind> = { RY: 'PERSON_RECORDS', LX: 'CONTACT_DETAILS', AJ: 'CASES', CL: 'VEHICLES' };
const ACTION: Record<AssistanceStep['status'], string> = { ACCEPTED: 'qianshou', ANSWERED: 'fankui', DECLINED: 'tuihui' };

function mapped<T>(table: Record<string, T>, code: unknown, field: string): T {
  const value = table[String(code)];
  if (value === undefined) throw badData(`xiecha.${field} holds the unknown code ${JSON.stringify(code)}`);
  return value;
}

const str = (row: Record<string, unknown>, field: string): string => {
  if (typeof row[field] !== 'string') throw badData(`xiecha.${field}: expected a string, got ${JSON.stringify(row[field])}`);
  return row[field] as string;
};
const opt = (row: Record<string, unknown>, field: string): string | null => (row[field] == null ? null : str(row, field));
const split = (text: string | null) => (text ? text.split(',') : []);

function fromGz(row: Record<string, unknown>): AssistanceRequestRecord {
  const steps = Array.isArray(row.lz) ? (row.lz as Record<string, unknown>[]) : [];
  return {
    id: str(row, 'xcbh'),
    idempotencyKey: str(row, 'qqbs'),
    caseRef: str(row, 'ajbh'),
    fromRegion: str(row, 'qqdq'),
    requestedBy: str(row, 'qqr'),
    subjects: split(str(row, 'sfzh')),
    ask: split(str(row, 'xcnr')).map((code) => mapped(ASK, code, 'xcnr')),
    urgency: mapped(URGENCY, row.jjcd, 'jjcd'),
    note: opt(row, 'bz'),
    status: mapped(STATE, row.zt, 'zt'),
    requestedAt: isoTimeFromGz(str(row, 'qqsj'), 'xiecha.qqsj'),
    deadline: isoTimeFromGz(str(row, 'jzsj'), 'xiecha.jzsj'),
    answerNote: opt(row, 'fkyj'),
    answeredRecords: split(opt(row, 'fkjl')),
    declineReason: opt(row, 'thyy'),
    history: steps.map((s) => ({
      at: isoTimeFromGz(str(s, 'sj'), 'xiecha_lz.sj'),
      status: mapped(STATE, s.zt, 'lz.zt'),
      by: str(s, 'jh'),
      note: opt(s, 'sm'),
    })),
  };
}

function rowsOf(data: unknown): Record<string, unknown>[] {
  const rows = (data as { rows?: unknown })?.rows;
  if (!Array.isArray(rows)) throw badData('xiecha: expected {"rows": [...]}');
  return rows as Record<string, unknown>[];
}

export class GzAssistanceDesk implements AssistanceDesk {
  readonly channel = 'direct' as const;

  constructor(private readonly client: GzClient) {}

  async submit(request: NewAssistanceRequest): Promise<{ request: AssistanceRequestRecord; created: boolean }> {
    const made = (await this.client.post('/api/v1/xiecha', {
      qqbs: request.idempotencyKey,
      ajbh: request.caseRef,
      qqdq: request.fromRegion,
      qqr: request.requestedBy,
      sfzh: request.subjects,
      xcnr: request.ask.map((kind) => regionCodeFor(ASK, kind)),
      jjcd: regionCodeFor(URGENCY, request.urgency),
      bz: request.note,
      qqsj: gzTimeOf(request.requestedAt),
      jzsj: gzTimeOf(request.deadline),
    })) as { xcbh?: unknown; xj?: unknown };
    if (typeof made?.xcbh !== 'string') throw badData('POST /api/v1/xiecha: expected {"xcbh": …}');
    const [stored] = await this.requestsById([made.xcbh]);
    if (!stored) throw badData(`GZ made request ${made.xcbh} but does not find it`);
    return { request: stored, created: made.xj === 1 };
  }

  async requestsById(ids: readonly string[]): Promise<(AssistanceRequestRecord | null)[]> {
    if (ids.length === 0) return [];
    const rows = rowsOf(await this.client.post('/api/v1/xiecha/batch', { xcbh: [...new Set(ids)] })).map(fromGz);
    return ids.map((id) => rows.find((r) => r.id === id) ?? null);
  }

  async inbox(status: AssistanceStatus | null): Promise<AssistanceRequestRecord[]> {
    return rowsOf(await this.client.get('/api/v1/xiecha', status === null ? {} : { zt: regionCodeFor(STATE, status) })).map(fromGz);
  }

  async step(id: string, step: AssistanceStep): Promise<AssistanceRequestRecord> {
    const body: Record<string, unknown> = { jh: step.by, sj: gzTimeOf(step.at) };
    if (step.status === 'ANSWERED') Object.assign(body, { fkyj: step.note, jl: step.records });
    if (step.status === 'DECLINED') body.yy = step.reason;
    // The id goes into the path: GZ's ids are letters and digits, anything else is no GZ request.
    if (!/^[A-Za-z0-9-]{1,64}$/.test(id)) throw badData(`"${id}" is not a GZ request number`);
    await this.client.post(`/api/v1/xiecha/${id}/${ACTION[step.status]}`, body);
    const [stored] = await this.requestsById([id]);
    if (!stored) throw badData(`GZ stepped request ${id} but does not find it`);
    return stored;
  }
}
