/**
 * The auditors' query index: SQLite beside the log, fed with each durable batch and
 * rebuildable from the log at any time (the log is the truth; the index only makes
 * "who looked at person X" a keyed lookup instead of a scan of years of files).
 */
import Database from 'better-sqlite3';
import { chmodSync, existsSync, mkdirSync, statSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Chained } from '../../common/log/chain.ts';
import type { AuditOutcome } from '../../common/audit/outcome.ts';
import type { AuditEntryBody, AuditRecordBody } from './record.ts';
import type { Subjects } from '../../common/audit/subjects.ts';

export type IndexedRecord = Chained<AuditRecordBody>;

export interface AuditQuery {
  person?: string;
  case?: string;
  plate?: string;
  officer?: string;
  officerRegion?: string;
  /** A region the operation asked. */
  region?: string;
  outcomes?: AuditOutcome[];
  /** Inclusive bounds, epoch ms. */
  fromMs?: number;
  toMs?: number;
}

export interface AuditPage {
  edges: { node: IndexedRecord; cursor: string }[];
  endCursor: string | null;
  hasNextPage: boolean;
}

export interface OfficerSummary {
  sub: string;
  name: string;
  region: string;
  accesses: number;
  firstAt: string;
  lastAt: string;
}

const SUBJECT_KINDS: (keyof Subjects)[] = ['persons', 'cases', 'plates', 'records'];

const SCHEMA = `
  PRAGMA journal_mode = WAL;
  PRAGMA synchronous = NORMAL;
  CREATE TABLE IF NOT EXISTS records (
    instance TEXT NOT NULL, seq INTEGER NOT NULL, audit_id TEXT NOT NULL, at_ms INTEGER NOT NULL,
    officer_sub TEXT, officer_name TEXT, officer_region TEXT, outcome TEXT NOT NULL, body TEXT NOT NULL,
    PRIMARY KEY (instance, seq));
  CREATE INDEX IF NOT EXISTS records_at ON records (at_ms);
  CREATE INDEX IF NOT EXISTS records_officer ON records (officer_sub, at_ms);
  CREATE INDEX IF NOT EXISTS records_audit_id ON records (audit_id);
  CREATE TABLE IF NOT EXISTS subjects (
    kind TEXT NOT NULL, value TEXT NOT NULL, instance TEXT NOT NULL, seq INTEGER NOT NULL,
    PRIMARY KEY (kind, value, instance, seq)) WITHOUT ROWID;
  CREATE TABLE IF NOT EXISTS regions_asked (
    region TEXT NOT NULL, instance TEXT NOT NULL, seq INTEGER NOT NULL,
    PRIMARY KEY (region, instance, seq)) WITHOUT ROWID;
  CREATE TABLE IF NOT EXISTS chains (instance TEXT PRIMARY KEY, last_seq INTEGER NOT NULL);
`;

export class AuditIndex {
  readonly #db: Database.Database;
  readonly #insert: (entries: Chained<AuditEntryBody>[]) => void;
  readonly #sql: Record<'lastSeq' | 'chain' | 'record' | 'subject' | 'region', Database.Statement>;

  constructor(path: string) {
    if (path !== ':memory:') prepareIndexFile(path);
    this.#db = new Database(path);
    this.#db.exec(SCHEMA);
    if (path !== ':memory:') for (const file of [`${path}-wal`, `${path}-shm`]) makePrivateSync(file);
    this.#sql = {
      lastSeq: this.#db.prepare('SELECT last_seq FROM chains WHERE instance = ?'),
      chain: this.#db.prepare(
        'INSERT INTO chains (instance, last_seq) VALUES (?, ?) ON CONFLICT (instance) DO UPDATE SET last_seq = excluded.last_seq',
      ),
      record: this.#db.prepare('INSERT INTO records VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)'),
      subject: this.#db.prepare('INSERT OR IGNORE INTO subjects VALUES (?, ?, ?, ?)'),
      region: this.#db.prepare('INSERT OR IGNORE INTO regions_asked VALUES (?, ?, ?)'),
    };
    this.#insert = this.#db.transaction((entries: Chained<AuditEntryBody>[]) => entries.forEach((e) => this.#insertOne(e)));
  }

  /** Index durable entries; entries already indexed are skipped, so replays are harmless. */
  add(entries: Chained<AuditEntryBody>[]): void {
    this.#insert(entries);
  }

  /** The last seq indexed for an instance's chain (0 when none). */
  lastSeq(instance: string): number {
    const row = this.#sql.lastSeq.get(instance) as { last_seq: number } | undefined;
    return row?.last_seq ?? 0;
  }

  clear(): void {
    this.#db.exec('DELETE FROM records; DELETE FROM subjects; DELETE FROM regions_asked; DELETE FROM chains;');
  }

  find(query: AuditQuery, first: number, after: string | null): AuditPage {
    const { where, params } = whereClause(query);
    const cursor = after ? decodeCursor(after) : null;
    const keyset = cursor ? 'AND (r.at_ms, r.instance, r.seq) < (?, ?, ?)' : '';
    const rows = this.#db
      .prepare(
        `SELECT body, instance, seq, at_ms FROM records r WHERE ${where} ${keyset}
       ORDER BY r.at_ms DESC, r.instance DESC, r.seq DESC LIMIT ?`,
      )
      .all(...params, ...(cursor ?? []), first + 1) as { body: string; instance: string; seq: number; at_ms: number }[];
    const edges = rows.slice(0, first).map((row) => ({
      node: JSON.parse(row.body) as IndexedRecord,
      cursor: encodeCursor([row.at_ms, row.instance, row.seq]),
    }));
    return { edges, endCursor: edges.at(-1)?.cursor ?? null, hasNextPage: rows.length > first };
  }

  officers(query: AuditQuery): OfficerSummary[] {
    const { where, params } = whereClause(query);
    return this.#db
      .prepare(
        `SELECT officer_sub AS sub, officer_name AS name, officer_region AS region, COUNT(*) AS accesses,
              MIN(at_ms) AS first_ms, MAX(at_ms) AS last_ms
       FROM records r WHERE ${where} AND r.officer_sub IS NOT NULL GROUP BY officer_sub ORDER BY officer_sub`,
      )
      .all(...params)
      .map((row) => {
        const r = row as OfficerSummary & { first_ms: number; last_ms: number };
        return { sub: r.sub, name: r.name, region: r.region, accesses: r.accesses, firstAt: iso(r.first_ms), lastAt: iso(r.last_ms) };
      });
  }

  byAuditId(auditId: string): IndexedRecord | null {
    const row = this.#db.prepare('SELECT body FROM records WHERE audit_id = ? LIMIT 1').get(auditId) as { body: string } | undefined;
    return row ? (JSON.parse(row.body) as IndexedRecord) : null;
  }

  close(): void {
    this.#db.close();
  }

  #insertOne(entry: Chained<AuditEntryBody>): void {
    if (entry.seq <= this.lastSeq(entry.instance)) return;
    this.#sql.chain.run(entry.instance, entry.seq);
    if (entry.type !== 'audit') return;
    const key = [entry.instance, entry.seq] as const;
    this.#sql.record.run(
      ...key,
      entry.auditId,
      Date.parse(entry.at),
      entry.officer?.sub ?? null,
      entry.officer?.name ?? null,
      entry.officer?.region ?? null,
      entry.outcome,
      JSON.stringify(entry),
    );
    for (const kind of SUBJECT_KINDS) for (const value of entry.subjects[kind]) this.#sql.subject.run(kind, value, ...key);
    for (const r of entry.regions) this.#sql.region.run(r.region, ...key);
  }
}

/**
 * The index holds every record's body (officers, the people they looked up): its
 * files 0600 (its usual directory, the audit directory, is made 0700 by the file sink). The database file is made before SQLite opens it,
 * because SQLite gives its -wal and -shm files the database file's permissions.
 */
function prepareIndexFile(path: string): void {
  // A directory made here is private; one that exists is left alone (it may be shared, e.g. /var/lib).
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  if (!existsSync(path)) writeFileSync(path, '', { mode: 0o600, flag: 'a' });
  makePrivateSync(path);
}

/** Takes group and other permissions away; owner bits stay as they are. */
function makePrivateSync(path: string): void {
  if (!existsSync(path)) return;
  const { mode } = statSync(path);
  if ((mode & 0o077) !== 0) chmodSync(path, mode & 0o7700);
}

function whereClause(query: AuditQuery): { where: string; params: unknown[] } {
  const clauses: string[] = ['1 = 1'];
  const params: unknown[] = [];
  const add = (clause: string, ...values: unknown[]) => {
    clauses.push(clause);
    params.push(...values);
  };
  const subject = (kind: keyof Subjects, value: string | undefined) =>
    value !== undefined &&
    add('EXISTS (SELECT 1 FROM subjects s WHERE s.kind = ? AND s.value = ? AND s.instance = r.instance AND s.seq = r.seq)', kind, value);
  subject('persons', query.person);
  subject('cases', query.case);
  subject('plates', query.plate);
  if (query.officer !== undefined) add('r.officer_sub = ?', query.officer);
  if (query.officerRegion !== undefined) add('r.officer_region = ?', query.officerRegion);
  if (query.region !== undefined)
    add('EXISTS (SELECT 1 FROM regions_asked g WHERE g.region = ? AND g.instance = r.instance AND g.seq = r.seq)', query.region);
  if (query.outcomes?.length) add(`r.outcome IN (${query.outcomes.map(() => '?').join(', ')})`, ...query.outcomes);
  if (query.fromMs !== undefined) add('r.at_ms >= ?', query.fromMs);
  if (query.toMs !== undefined) add('r.at_ms <= ?', query.toMs);
  return { where: clauses.join(' AND '), params };
}

function encodeCursor(position: [number, string, number]): string {
  return Buffer.from(JSON.stringify(position)).toString('base64url');
}

function decodeCursor(cursor: string): [number, string, number] {
  try {
    const value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown;
    if (
      Array.isArray(value) &&
      value.length === 3 &&
      Number.isInteger(value[0]) &&
      typeof value[1] === 'string' &&
      Number.isInteger(value[2])
    ) {
      return value as [number, string, number];
    }
  } catch {
    // fall through to the error below
  }
  throw new RangeError(`cursor "${cursor}" is not an audit cursor; pass the endCursor of a previous page`);
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}
