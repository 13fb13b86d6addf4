/**
 * JS's change feed: triggers in the JS database append to `t_change_log`; positions
 * are `<epoch>:<sequence number>`. The epoch names the database file (database.ts): a
 * re-seed or restore starts the numbering again in a new file, and a bare sequence
 * number would then silently skip the new file's first changes. A position from another
 * epoch, or ahead of the log's head, is answered with `resync`.
 * Pushed events are the same log, polled while someone listens.
 */
import { AdapterError, type ChangeEvent, type ChangeFeed, type ChangesAnswer, type EntityType } from '../adapter.ts';
import { normaliseIdNumber, normalisePlate, quoteInput } from '../../common/normalise/index.ts';
import type Database from 'better-sqlite3';
import type { JsDatabaseFile } from './database.ts';

const ENTITY: Record<string, EntityType> = {
  PERSON: 'PersonRecord',
  CASE: 'Case',
  VEHICLE: 'VehicleRecord',
  NOTICE: 'WantedNotice',
  ALERT: 'VehicleAlert',
  XC: 'AssistanceRequest',
};
const BATCH = 1000;
const POSITION = /^([0-9a-z-]{1,80}):(\d{1,15})$/;

interface LogRow {
  seq: number;
  entity: string;
  entity_id: string;
  id_nos: string | null;
  plates: string | null;
  changed_at: string;
}
interface LogStatements {
  db: Database.Database;
  epoch: string;
  head: Database.Statement;
  since: Database.Statement;
}
type CaseKeys = (caseIds: readonly string[]) => Promise<{ idNumbers: string[]; plates: string[] }[]>;

/** Keys logged by a trigger, normalised; a value that does not normalise cannot match a cache key, so it is skipped. */
function keys(list: string | null, normalise: (v: string) => string): string[] {
  if (!list) return [];
  return list.split(',').flatMap((value) => {
    try {
      return [normalise(value)];
    } catch {
      return [];
    }
  });
}

function parsePosition(since: string): { epoch: string; seq: number } {
  const match = POSITION.exec(String(since));
  if (!match) {
    throw new AdapterError(
      'BAD_INPUT',
      'JS',
      `change position ${quoteInput(since)} is not a JS change-log position (expected "<epoch>:<sequence number>" from changesSince)`,
    );
  }
  return { epoch: match[1], seq: Number(match[2]) };
}

export class JsChangeFeed implements ChangeFeed {
  private readonly listeners = new Set<(event: ChangeEvent) => void>();
  private timer: NodeJS.Timeout | null = null;
  private polledTo: string | null = null;
  private statements: LogStatements | null = null;

  constructor(
    private readonly file: JsDatabaseFile,
    private readonly caseKeys: CaseKeys,
    private readonly pollMs: number,
  ) {}

  /**
   * The log's two statements, prepared once per opened file: the subgraph polls every
   * 200 ms, and compiling them on each poll was most of what an empty poll cost.
   */
  private log(): LogStatements {
    const { db, epoch } = this.file.current;
    if (this.statements?.db !== db) {
      this.statements = {
        db,
        epoch,
        head: db.prepare('SELECT ifnull(max(seq), 0) AS seq FROM t_change_log'),
        since: db.prepare('SELECT seq, entity, entity_id, id_nos, plates, changed_at FROM t_change_log WHERE seq > ? ORDER BY seq LIMIT ?'),
      };
    }
    return this.statements;
  }

  private head(log = this.log()): number {
    return (log.head.get() as { seq: number }).seq;
  }

  async changesSince(since: string | null): Promise<ChangesAnswer> {
    this.file.refresh();
    const log = this.log();
    const { epoch } = log;
    if (since === null || since === undefined) return { changes: [], position: `${epoch}:${this.head(log)}` };
    const position = parsePosition(since);
    if (position.epoch !== epoch) return { changes: [], position: `${epoch}:${this.head(log)}`, resync: true };
    const rows = log.since.all(position.seq, BATCH) as LogRow[];
    if (rows.length === 0) {
      // Only an empty answer can hide a restarted log: a position past the head (nothing is after it).
      const head = this.head(log);
      return position.seq > head ? { changes: [], position: `${epoch}:${head}`, resync: true } : { changes: [], position: since };
    }
    const caseIds = rows.filter((r) => r.entity === 'CASE').map((r) => r.entity_id);
    const caseKeys = new Map(caseIds.length ? (await this.caseKeys(caseIds)).map((k, i) => [caseIds[i], k]) : []);
    const changes = rows.map((row): ChangeEvent => {
      const extra = caseKeys.get(row.entity_id);
      return {
        region: 'JS',
        type: ENTITY[row.entity] ?? 'PersonRecord',
        id: row.entity_id,
        idNumbers: [...new Set([...keys(row.id_nos, normaliseIdNumber), ...(extra?.idNumbers ?? [])])],
        plates: [...new Set([...keys(row.plates, normalisePlate), ...(extra?.plates ?? [])])],
        at: row.changed_at,
      };
    });
    return { changes, position: `${epoch}:${rows[rows.length - 1].seq}` };
  }

  subscribe(listener: (event: ChangeEvent) => void): () => void {
    this.listeners.add(listener);
    if (!this.timer) {
      this.polledTo = `${this.log().epoch}:${this.head()}`;
      this.timer = setInterval(() => void this.poll(), this.pollMs);
      this.timer.unref();
    }
    return () => {
      this.listeners.delete(listener);
      if (this.listeners.size === 0) this.stop();
    };
  }

  private async poll(): Promise<void> {
    try {
      const { changes, position } = await this.changesSince(this.polledTo);
      this.polledTo = position;
      for (const event of changes) for (const listener of this.listeners) listener(event);
    } catch {
      // The next poll retries; health() reports a broken database.
    }
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }
}
