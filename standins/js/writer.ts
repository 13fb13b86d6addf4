/**
 * Writes the JS regional system: one SQLite file in JS's own schema (schema.ts).
 *
 * Bulk-loads into a temporary file with journaling off, then builds indexes and
 * triggers, switches to WAL and renames the file into place, so a reader never sees a
 * half-written database and the same input always gives the same bytes.
 */
import Database from 'better-sqlite3';
import { mkdir, rm, rename } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { CaseOfficer, CaseRecord, PersonRecord, VehicleAlert, VehicleRecord, WantedNotice } from '../../adapters/adapter.ts';
import type { RegionWriter, RegionWriterOptions } from '../region-writer.ts';
import { CASE_STATUS_CODES, CASE_TYPE_CODES, INDEXES, JS_DB_PATH, TABLES, TRIGGERS } from './schema.ts';

/** How JS encodes the contract's values (the stand-in's side; the adapter maps back in adapters/js/codes.ts). */
const TYPE_CODE: Record<CaseRecord['type'], string> = {
  TELECOM_FRAUD: '0201',
  THEFT: '0301',
  ROBBERY: '0302',
  DRUG_TRAFFICKING: '0401',
  ONLINE_GAMBLING: '0501',
  ASSAULT: '0601',
  TRAFFIC_OFFENCE: '0701',
  OTHER: '0999',
};
const STATUS_CODE: Record<CaseRecord['status'], string> = {
  REGISTERED: '10',
  INVESTIGATING: '20',
  SOLVED: '30',
  PROSECUTED: '40',
  CLOSED: '90',
  UNKNOWN: '50',
};
const GENDER_CODE: Record<PersonRecord['sex'], string> = { MALE: 'M', FEMALE: 'F', UNKNOWN: 'X' };
const ROLE_CODE = { SUSPECT: 'S', VICTIM: 'V', WITNESS: 'W' } as const;
const ALERT_KIND = { STOLEN: 'DQ', CASE_INVOLVED: 'SA' } as const;
const WANTED_STATUS = { AT_LARGE: '1', CAUGHT: '2', WITHDRAWN: '3' } as const;
/** 辦案民警 duty: 1 主辦 (lead), 2 承辦 (member), 3 協辦 (assisting, with the assisting unit). */
const DUTY_CODE: Record<CaseOfficer['duty'], string> = { LEAD: '1', MEMBER: '2', ASSISTING: '3' };
const ROWS_PER_TRANSACTION = 20_000;

export function jsDbPath(dataDir: string): string {
  return join(dataDir, JS_DB_PATH);
}

export async function createJsWriter(options: RegionWriterOptions): Promise<RegionWriter> {
  const finalPath = jsDbPath(options.dataDir);
  const buildPath = `${finalPath}.building`;
  await mkdir(dirname(finalPath), { recursive: true });
  await rm(buildPath, { force: true });
  const db = new Database(buildPath);
  db.pragma('journal_mode = OFF');
  db.pragma('synchronous = OFF');
  db.exec(TABLES);
  const insertCode = (table: string, rows: readonly (readonly [string, string])[]) => {
    const statement = db.prepare(`INSERT INTO ${table} (code, label) VALUES (?, ?)`);
    for (const row of rows) statement.run(...row);
  };
  insertCode('code_case_type', CASE_TYPE_CODES);
  insertCode('code_case_status', CASE_STATUS_CODES);

  const insert = {
    person: db.prepare('INSERT INTO t_person VALUES (?, ?, ?, ?, ?, ?, ?, ?)'),
    vehicle: db.prepare('INSERT INTO t_vehicle VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)'),
    case: db.prepare('INSERT INTO t_case VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)'),
    party: db.prepare('INSERT INTO t_case_party VALUES (?, ?, ?, ?, ?)'),
    caseVehicle: db.prepare('INSERT INTO t_case_vehicle VALUES (?, ?)'),
    officer: db.prepare('INSERT INTO t_case_officer VALUES (?, ?, ?, ?, ?)'),
    notice: db.prepare('INSERT INTO t_wanted VALUES (?, ?, ?, ?, ?, ?, ?)'),
    alert: db.prepare('INSERT INTO t_vehicle_alert VALUES (?, ?, ?, ?, ?, ?, ?)'),
  };
  let pending = 0;
  db.exec('BEGIN');
  const counted = () => {
    if (++pending < ROWS_PER_TRANSACTION) return;
    db.exec('COMMIT; BEGIN');
    pending = 0;
  };

  return {
    person(p: PersonRecord) {
      insert.person.run(p.id, p.idNumberAsRecorded, p.name, GENDER_CODE[p.sex], p.birthDate, p.address, p.phone, p.updatedAt);
      counted();
    },
    vehicle(v: VehicleRecord) {
      insert.vehicle.run(
        v.id,
        v.plate,
        v.vin,
        v.make,
        v.model,
        v.colour,
        v.energy === 'NEW_ENERGY' ? 'E' : 'A',
        v.ownerIdNumber,
        v.registeredAt,
        v.updatedAt,
      );
      counted();
    },
    case(c: CaseRecord, officers: readonly CaseOfficer[]) {
      insert.case.run(
        c.id,
        c.caseNumber,
        TYPE_CODE[c.type],
        STATUS_CODE[c.status],
        c.reportedAt,
        c.place,
        c.lossAmount,
        c.summary,
        c.updatedAt,
      );
      c.parties.forEach((party, seq) => insert.party.run(c.id, seq + 1, ROLE_CODE[party.role], party.idNumber, party.nameAsRecorded));
      for (const plate of c.vehiclePlates) insert.caseVehicle.run(c.id, plate);
      // JS writes police numbers without the hyphen (JS0310552), its own officers' too.
      officers.forEach((o, seq) => insert.officer.run(c.id, seq + 1, o.officerId.replace('-', ''), DUTY_CODE[o.duty], o.team));
      counted();
    },
    notice(n: WantedNotice) {
      insert.notice.run(n.id, n.idNumber, WANTED_STATUS[n.status], n.reason, n.caseId, n.issuedAt, n.updatedAt);
      counted();
    },
    alert(a: VehicleAlert) {
      insert.alert.run(a.id, a.plate, ALERT_KIND[a.kind], a.active ? 1 : 0, a.caseId, a.issuedAt, a.updatedAt);
      counted();
    },
    async close() {
      db.exec('COMMIT');
      db.exec(INDEXES);
      db.exec(TRIGGERS);
      db.exec('ANALYZE');
      db.pragma('journal_mode = WAL');
      db.close();
      await Promise.all(['', '-wal', '-shm'].map((suffix) => rm(finalPath + suffix, { force: true })));
      await rename(buildPath, finalPath);
    },
  };
}
