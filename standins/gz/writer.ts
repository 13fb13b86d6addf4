/**
 * Writes GZ's share of the generated data into the legacy system's own SQLite file
 * (`DATA/gz/gz.db`), in GZ's formats: identity numbers as registered, YYYYMMDD dates,
 * Beijing times, numeric code tables, fen amounts.
 *
 * Streams: rows are buffered per batch and written in one transaction per batch, so a
 * million persons cost bounded memory. Indexes are built once at the end, and the file
 * is written under a temporary name and renamed when complete, so the service never
 * opens a half-written system. Same input → same bytes (no clocks, no random ids).
 */
import { mkdirSync, renameSync, rmSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import type { CaseRecord, PersonRecord, VehicleAlert, VehicleRecord, WantedNotice } from '../../adapters/adapter.ts';
import type { RegionWriter, RegionWriterOptions } from '../region-writer.ts';
import {
  ALERT_KIND_CODES,
  DUTY_CODES,
  CASE_STATUS_CODES,
  CASE_TYPE_CODES,
  ENERGY_CODES,
  PARTY_ROLE_CODES,
  WANTED_STATUS_CODES,
  codeFor,
  sexCodeFor,
} from './codes.ts';
import { GZ_DB_FILE, GZ_DIR, INDEXES_DDL, LEGACY_LINKS_SQL, TABLES_DDL } from './schema.ts';
import { gzDate, gzDateOrTime, gzTime } from './time.ts';

const BATCH_ROWS = 10_000;

type Row = Record<string, string | number | null>;

const INSERTS: Record<string, string> = {
  renkou: 'INSERT INTO renkou VALUES (@rkbh, @sfzh, @xm, @xb, @csrq, @zz, @lxdh, @gxsj)',
  anjian: 'INSERT INTO anjian VALUES (@ajbh, @ajwh, @ajlb, @ajzt, @basj, @fadd, @ssje, @jyaq, @gxsj)',
  anjian_ry: 'INSERT INTO anjian_ry VALUES (@ajbh, @xh, @sfzh, @xm, @jslx)',
  anjian_cl: 'INSERT INTO anjian_cl VALUES (@ajbh, @xh, @hphm)',
  anjian_mj: 'INSERT INTO anjian_mj VALUES (@ajbh, @xh, @jh, @zz, @xzdw)',
  cheliang: 'INSERT INTO cheliang VALUES (@clbh, @hphm, @hphm_yl, @clsbdh, @clpp, @clxh, @csys, @nylx, @syr_sfzh, @zcrq, @gxsj)',
  tongji: 'INSERT INTO tongji VALUES (@tjbh, @sfzh, @tjzt, @tjyy, @ajbh, @fbsj, @gxsj)',
  bukong: 'INSERT INTO bukong VALUES (@bkbh, @hphm, @bklx, @yxbz, @ajbh, @fbsj, @gxsj)',
};

export function gzDbPath(dataDir: string): string {
  return path.join(dataDir, GZ_DIR, GZ_DB_FILE);
}

function personRow(p: PersonRecord): Row {
  return {
    rkbh: p.id,
    sfzh: p.idNumberAsRecorded,
    xm: p.name,
    xb: sexCodeFor(p.sex, p.sexCodeAsRecorded),
    csrq: gzDate(p.birthDate),
    zz: p.address,
    lxdh: p.phone,
    gxsj: gzTime(p.updatedAt),
  };
}

function caseRow(c: CaseRecord): Row {
  return {
    ajbh: c.id,
    ajwh: c.caseNumber,
    ajlb: codeFor(CASE_TYPE_CODES, c.type, c.typeCodeAsRecorded, CASE_TYPE_CODES.OTHER),
    ajzt: codeFor(CASE_STATUS_CODES, c.status, c.statusCodeAsRecorded, CASE_STATUS_CODES.UNKNOWN),
    basj: gzTime(c.reportedAt),
    fadd: c.place,
    ssje: c.lossAmount === null ? null : Math.round(c.lossAmount * 100),
    jyaq: c.summary,
    gxsj: gzTime(c.updatedAt),
  };
}

function vehicleRow(v: VehicleRecord): Row {
  return {
    clbh: v.id,
    hphm: v.plate,
    hphm_yl: v.plateAsRecorded,
    clsbdh: v.vin,
    clpp: v.make,
    clxh: v.model,
    csys: v.colour,
    nylx: ENERGY_CODES[v.energy],
    syr_sfzh: v.ownerIdNumber,
    zcrq: gzDate(v.registeredAt),
    gxsj: gzTime(v.updatedAt),
  };
}

function noticeRow(n: WantedNotice): Row {
  return {
    tjbh: n.id,
    sfzh: n.idNumber,
    tjzt: WANTED_STATUS_CODES[n.status],
    tjyy: n.reason,
    ajbh: n.caseId,
    fbsj: gzDateOrTime(n.issuedAt),
    gxsj: gzTime(n.updatedAt),
  };
}

function alertRow(a: VehicleAlert): Row {
  return {
    bkbh: a.id,
    hphm: a.plate,
    bklx: ALERT_KIND_CODES[a.kind],
    yxbz: a.active ? '1' : '0',
    ajbh: a.caseId,
    fbsj: gzDateOrTime(a.issuedAt),
    gxsj: gzTime(a.updatedAt),
  };
}

/** Buffers rows per table and writes each full batch in one transaction. */
class BatchedInserter {
  private readonly pending = new Map<string, Row[]>(Object.keys(INSERTS).map((t) => [t, []]));
  private count = 0;
  private readonly flushAll: () => void;

  constructor(db: Database.Database) {
    const statements = Object.entries(INSERTS).map(([table, sql]) => [table, db.prepare(sql)] as const);
    this.flushAll = db.transaction(() => {
      for (const [table, statement] of statements) {
        const rows = this.pending.get(table)!;
        for (const row of rows) statement.run(row);
        rows.length = 0;
      }
    });
  }

  add(table: string, row: Row): void {
    this.pending.get(table)!.push(row);
    if (++this.count >= BATCH_ROWS) this.flush();
  }

  flush(): void {
    this.flushAll();
    this.count = 0;
  }
}

export async function createGzWriter(options: RegionWriterOptions): Promise<RegionWriter> {
  const finalPath = gzDbPath(options.dataDir);
  const tempPath = `${finalPath}.tmp`;
  mkdirSync(path.dirname(finalPath), { recursive: true });
  rmSync(tempPath, { force: true });

  const db = new Database(tempPath);
  // A bulk load into a file nobody else has open: journal in memory (better-sqlite3 runs
  // SQLite in defensive mode, which refuses journal_mode=OFF), no fsync until the end.
  db.pragma('page_size = 4096');
  db.pragma('journal_mode = MEMORY');
  db.pragma('synchronous = OFF');
  db.pragma('locking_mode = EXCLUSIVE');
  db.pragma('cache_size = -65536');
  db.exec(TABLES_DDL);
  const rows = new BatchedInserter(db);
  let closed = false;

  return {
    person: (p) => rows.add('renkou', personRow(p)),
    case: (c, officers) => {
      rows.add('anjian', caseRow(c));
      c.parties.forEach((party, xh) =>
        rows.add('anjian_ry', {
          ajbh: c.id,
          xh,
          sfzh: party.idNumber,
          xm: party.nameAsRecorded,
          jslx: PARTY_ROLE_CODES[party.role],
        }),
      );
      c.vehiclePlates.forEach((hphm, xh) => rows.add('anjian_cl', { ajbh: c.id, xh, hphm }));
      officers.forEach((o, xh) =>
        rows.add('anjian_mj', {
          ajbh: c.id,
          xh,
          jh: o.officerId.startsWith('GZ-') ? o.officerId.slice(3) : o.officerId.replace('-', ''),
          zz: DUTY_CODES[o.duty],
          xzdw: o.team,
        }),
      );
    },
    vehicle: (v) => rows.add('cheliang', vehicleRow(v)),
    notice: (n) => rows.add('tongji', noticeRow(n)),
    alert: (a) => rows.add('bukong', alertRow(a)),
    async close() {
      if (closed) return;
      closed = true;
      rows.flush();
      db.exec(INDEXES_DDL);
      db.transaction(() => LEGACY_LINKS_SQL.forEach((sql) => db.exec(sql)))();
      db.exec('ANALYZE');
      db.pragma('journal_mode = DELETE');
      db.close();
      // The service runs the file in WAL mode; a WAL left by a killed service belongs
      // to the old file and must not be replayed into the new one.
      for (const leftover of [`${finalPath}-wal`, `${finalPath}-shm`]) rmSync(leftover, { force: true });
      renameSync(tempPath, finalPath);
    },
  };
}
