/**
 * JS's write side: assistance requests as rows of JS's own 協查 tables (`t_xc_request`,
 * one row per request; `t_xc_step`, its history), in JS's own codes. Direct channel: a
 * request is in JS's system the moment `submit` returns, and JS officers take it on,
 * answer or decline it through the graph.
 *
 * The lookups' connection is read-only (`query_only`); this desk has its own connection
 * that writes only these two tables, each write one `BEGIN IMMEDIATE` transaction, so a
 * retry with the same client key finds the row the first attempt committed (UNIQUE key)
 * and a failed write leaves nothing behind.
 */
import Database from 'better-sqlite3';
import {
  AdapterError,
  type AssistanceDesk,
  type AssistanceKind,
  type AssistanceRequestRecord,
  type AssistanceStatus,
  type AssistanceStep,
  type AssistanceUrgency,
  type NewAssistanceRequest,
} from '../adapter.ts';
import { regionCodeFor } from '../support/code-table.ts';
import type { JsDatabaseFile } from './database.ts';

const STATE: Record<string, AssistanceStatus> = { 10: 'PENDING', 20: 'ACCEPTED', 30: 'ANSWERED', 90: 'DECLINED' };
const URGENCY: Record<string, AssistanceUrgency> = { 1: 'URGENT', 2: 'HIGH', 3: 'NORMAL' };
const ASK: Record<string, AssistanceKind> = { '01': 'PERSON_RECORDS', '02': 'CONTACT_DETAILS', '03': 'CASES', '04': 'VEHICLES' };

interface RequestRow {
  xc_id: string;
  client_key: string;
  case_ref: string;
  from_unit: string;
  requester_no: string;
  subject_id_nos: string;
  ask_codes: string;
  urgency_code: string;
  remark: string | null;
  state_code: string;
  requested_at: string;
  due_at: string;
  reply_text: string | null;
  reply_record_ids: string | null;
  return_reason: string | null;
}

interface StepRow {
  state_code: string;
  officer_no: string;
  step_note: string | null;
  step_at: string;
}

export class JsAssistanceDesk implements AssistanceDesk {
  readonly channel = 'direct' as const;
  private db: Database.Database | null = null;

  constructor(
    private readonly path: string,
    file: JsDatabaseFile,
  ) {
    // A re-seeded file is another system: write to the new one from then on.
    file.onReopen(() => this.closeConnection());
  }

  async submit(request: NewAssistanceRequest): Promise<{ request: AssistanceRequestRecord; created: boolean }> {
    const db = this.connection();
    const made = this.write(db, () => {
      const existing = db.prepare('SELECT xc_id FROM t_xc_request WHERE client_key = ?').get(request.idempotencyKey) as
        | { xc_id: string }
        | undefined;
      if (existing) return { id: existing.xc_id, created: false };
      const count = (db.prepare('SELECT count(*) AS n FROM t_xc_request').get() as { n: number }).n;
      const id = `AR-${request.requestedAt.slice(0, 4)}-${String(count + 1).padStart(6, '0')}`;
      db.prepare(
        `INSERT INTO t_xc_request (xc_id, client_key, case_ref, from_unit, requester_no, subject_id_nos, ask_codes, urgency_code,
           remark, state_code, requested_at, due_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, '10', ?, ?, ?)`,
      ).run(
        id,
        request.idempotencyKey,
        request.caseRef,
        request.fromRegion,
        request.requestedBy,
        request.subjects.join(','),
        request.ask.map((k) => regionCodeFor(ASK, k)).join(','),
        regionCodeFor(URGENCY, request.urgency),
        request.note,
        request.requestedAt,
        request.deadline,
        request.requestedAt,
      );
      this.addStep(db, id, '10', request.requestedBy, request.note, request.requestedAt);
      return { id, created: true };
    });
    const [stored] = await this.requestsById([made.id]);
    return { request: stored!, created: made.created };
  }

  async requestsById(ids: readonly string[]): Promise<(AssistanceRequestRecord | null)[]> {
    const db = this.connection();
    return this.read(() => {
      const rows = db
        .prepare('SELECT * FROM t_xc_request WHERE xc_id IN (SELECT value FROM json_each(?))')
        .all(JSON.stringify(ids)) as RequestRow[];
      const records = this.toRecords(db, rows);
      return ids.map((id) => records.get(id) ?? null);
    });
  }

  async inbox(status: AssistanceStatus | null): Promise<AssistanceRequestRecord[]> {
    const db = this.connection();
    return this.read(() => {
      const rows = (
        status === null
          ? db.prepare('SELECT * FROM t_xc_request ORDER BY requested_at DESC, xc_id DESC').all()
          : db
              .prepare('SELECT * FROM t_xc_request WHERE state_code = ? ORDER BY requested_at DESC, xc_id DESC')
              .all(regionCodeFor(STATE, status))
      ) as RequestRow[];
      const records = this.toRecords(db, rows);
      return rows.map((row) => records.get(row.xc_id)!);
    });
  }

  async step(id: string, step: AssistanceStep): Promise<AssistanceRequestRecord> {
    const db = this.connection();
    const state = regionCodeFor<AssistanceStatus>(STATE, step.status);
    this.write(db, () => {
      const row = db.prepare('SELECT state_code FROM t_xc_request WHERE xc_id = ?').get(id) as { state_code: string } | undefined;
      if (!row) throw new AdapterError('NOT_FOUND', 'JS', `no assistance request ${id}`);
      // The same step again (a retry whose first attempt landed): nothing more to write.
      if (row.state_code === state) return;
      // JS's own rule, checked in the same transaction as the write: only open requests move on.
      if (row.state_code !== '10' && row.state_code !== '20') {
        throw new AdapterError(
          'CONFLICT',
          'JS',
          `assistance request ${id} is ${STATE[row.state_code] ?? row.state_code}; it cannot become ${step.status}`,
        );
      }
      const note = step.status === 'ANSWERED' ? step.note : step.status === 'DECLINED' ? step.reason : null;
      db.prepare(
        `UPDATE t_xc_request SET state_code = ?, reply_text = coalesce(?, reply_text), reply_record_ids = coalesce(?, reply_record_ids),
           return_reason = coalesce(?, return_reason), updated_at = ? WHERE xc_id = ?`,
      ).run(
        state,
        step.status === 'ANSWERED' ? step.note : null,
        step.status === 'ANSWERED' ? step.records.join(',') : null,
        step.status === 'DECLINED' ? step.reason : null,
        step.at,
        id,
      );
      this.addStep(db, id, state, step.by, note, step.at);
    });
    const [stored] = await this.requestsById([id]);
    return stored!;
  }

  close(): void {
    this.closeConnection();
  }

  private addStep(db: Database.Database, id: string, state: string, officer: string, note: string | null, at: string): void {
    const seq = (db.prepare('SELECT coalesce(max(seq), 0) + 1 AS n FROM t_xc_step WHERE xc_id = ?').get(id) as { n: number }).n;
    db.prepare('INSERT INTO t_xc_step (xc_id, seq, state_code, officer_no, step_note, step_at) VALUES (?, ?, ?, ?, ?, ?)').run(
      id,
      seq,
      state,
      officer,
      note,
      at,
    );
  }

  /**
   * The rows as records, by id, with every request's history read in one query (an inbox
   * of hundreds of requests must not be hundreds of queries).
   */
  private toRecords(db: Database.Database, rows: readonly RequestRow[]): Map<string, AssistanceRequestRecord> {
    const steps = new Map<string, StepRow[]>(rows.map((row) => [row.xc_id, []]));
    if (rows.length > 0) {
      const all = db
        .prepare(
          'SELECT xc_id, state_code, officer_no, step_note, step_at FROM t_xc_step WHERE xc_id IN (SELECT value FROM json_each(?)) ORDER BY xc_id, seq',
        )
        .all(JSON.stringify([...steps.keys()])) as Array<StepRow & { xc_id: string }>;
      for (const step of all) steps.get(step.xc_id)!.push(step);
    }
    return new Map(rows.map((row) => [row.xc_id, this.toRecord(row, steps.get(row.xc_id)!)]));
  }

  private toRecord(row: RequestRow, steps: readonly StepRow[]): AssistanceRequestRecord {
    const list = (text: string | null) => (text ? text.split(',') : []);
    return {
      id: row.xc_id,
      idempotencyKey: row.client_key,
      caseRef: row.case_ref,
      fromRegion: row.from_unit,
      requestedBy: row.requester_no,
      subjects: list(row.subject_id_nos),
      ask: list(row.ask_codes).map((code) => this.mapped(ASK, code, 'ask_codes')),
      urgency: this.mapped(URGENCY, row.urgency_code, 'urgency_code'),
      note: row.remark,
      status: this.mapped(STATE, row.state_code, 'state_code'),
      requestedAt: row.requested_at,
      deadline: row.due_at,
      answerNote: row.reply_text,
      answeredRecords: list(row.reply_record_ids),
      declineReason: row.return_reason,
      history: steps.map((s) => ({
        at: s.step_at,
        status: this.mapped(STATE, s.state_code, 'step state_code'),
        by: s.officer_no,
        note: s.step_note,
      })),
    };
  }

  private mapped<T>(table: Record<string, T>, code: string, column: string): T {
    const value = table[code];
    if (value === undefined)
      throw new AdapterError('BAD_SOURCE_DATA', 'JS', `t_xc_request.${column} holds the unknown code ${JSON.stringify(code)}`);
    return value;
  }

  private connection(): Database.Database {
    if (this.db) return this.db;
    try {
      const db = new Database(this.path, { fileMustExist: true });
      db.pragma('busy_timeout = 5000');
      db.prepare('SELECT 1 FROM t_xc_request LIMIT 1').get();
      this.db = db;
      return db;
    } catch (error) {
      throw new AdapterError(
        'UNAVAILABLE',
        'JS',
        `the JS database has no usable 協查 tables (t_xc_request; seeded before layout 3? run \`npm run seed\`): ${(error as Error).message}`,
        {
          cause: error,
        },
      );
    }
  }

  private write<T>(db: Database.Database, work: () => T): T {
    try {
      return db.transaction(work).immediate();
    } catch (error) {
      throw this.failure(error);
    }
  }

  private read<T>(work: () => T): T {
    try {
      return work();
    } catch (error) {
      throw this.failure(error);
    }
  }

  private failure(error: unknown): AdapterError {
    if (error instanceof AdapterError) return error;
    this.closeConnection();
    return new AdapterError('UNAVAILABLE', 'JS', `the JS database could not be written: ${(error as Error).message}`, { cause: error });
  }

  private closeConnection(): void {
    if (this.db?.open) this.db.close();
    this.db = null;
  }
}
