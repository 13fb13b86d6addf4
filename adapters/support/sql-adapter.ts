/**
 * The lookups and searches of a region whose data sits in SQLite (JS's own database,
 * HB's export index), written once. Each adapter supplies a SqlLayout: its SQL text
 * (constants, with `IN (%)` where the chunked key list goes) and the functions that
 * turn its rows into contract records. Values are always bound parameters.
 */
import type Database from 'better-sqlite3';
import {
  AdapterError,
  type RegionAdapter,
  type CaseFilter,
  type CaseOfficer,
  type CaseParty,
  type CaseRecord,
  type HeldKeys,
  type Involvement,
  type Page,
  type PageRequest,
  type PersonFilter,
  type PersonRecord,
  type VehicleAlert,
  type VehicleFilter,
  type VehicleRecord,
  type WantedNotice,
} from '../adapter.ts';
import { normaliseIdNumber, normalisePlate } from '../../common/normalise/index.ts';
import { manyPerKey, onePerKey } from './batch.ts';
import type { Where } from './filters.ts';
import { keysetSearch, selectIn, type KeysetSearch } from './sql.ts';
import { statement } from '../../common/sqlite/statements.ts';

type Row = Record<string, unknown>;

export interface PartyOf {
  caseId: string;
  party: CaseParty;
}
export interface PlateOf {
  caseId: string;
  plate: string;
}
export interface OfficerOf {
  caseId: string;
  officer: CaseOfficer;
}

/** A search: the base query, the key columns it pages by, and the adapter's filter → conditions. */
export interface SearchLayout<F> {
  select: string;
  from: string;
  keyColumns: string[];
  where(filter: F): Where;
}

export interface SqlLayout {
  region: string;
  sql: {
    personsById: string;
    personsByIdNumber: string;
    casesById: string;
    partiesByCase: string;
    platesByCase: string;
    partiesByIdNumber: string;
    platesByPlate: string;
    /** The officers assigned to cases, `IN (%)` over case ids, ordered by case then the region's own order. */
    officersByCase: string;
    vehiclesById: string;
    vehiclesByPlate: string;
    vehiclesByOwner: string;
    noticesById: string;
    noticesByIdNumber: string;
    alertsById: string;
    alertsByPlate: string;
  };
  map: {
    person(row: Row): PersonRecord;
    case(row: Row, parties: CaseParty[], plates: string[]): CaseRecord;
    party(row: Row): PartyOf;
    plate(row: Row): PlateOf;
    officer(row: Row): OfficerOf;
    vehicle(row: Row): VehicleRecord;
    notice(row: Row): WantedNotice;
    alert(row: Row): VehicleAlert;
  };
  /**
   * The indexed columns that hold the region's global keys (normalised as stored), read
   * in key order a page at a time for the membership filter (`heldKeys`).
   */
  held: { idNumbers: HeldColumn[]; plates: HeldColumn[] };
  search: {
    persons: SearchLayout<PersonFilter>;
    /** Selects only the case id column (named as the last key column); cases are then loaded by id. */
    cases: SearchLayout<CaseFilter>;
    vehicles: SearchLayout<VehicleFilter>;
  };
}

/** A table column holding normalised keys, with an index on it (keyset paging walks it). */
export interface HeldColumn {
  table: string;
  column: string;
}

/** Keys per page of `heldKeys`: small enough that a lookup waits at most a few ms behind one. */
const HELD_PAGE = 5000;

export class SqlRecords {
  constructor(
    private readonly db: Database.Database,
    private readonly layout: SqlLayout,
  ) {}

  /** SQLite failures become typed adapter errors; our own typed errors pass through. */
  guard<T>(work: () => T): Promise<T> {
    try {
      return Promise.resolve(work());
    } catch (error) {
      if (error instanceof AdapterError) return Promise.reject(error);
      const corrupt = /CORRUPT|NOTADB|FORMAT/.test((error as { code?: string }).code ?? '');
      return Promise.reject(
        new AdapterError(
          corrupt ? 'BAD_SOURCE_DATA' : 'UNAVAILABLE',
          this.layout.region,
          `database query failed: ${(error as Error).message}`,
          { cause: error },
        ),
      );
    }
  }

  private rows(sql: string, keys: readonly string[]): Row[] {
    return selectIn<Row>(this.db, sql, keys);
  }

  personRecordsById(ids: readonly string[]) {
    return this.guard(() => onePerKey(ids, this.rows(this.layout.sql.personsById, ids).map(this.layout.map.person), (p) => p.id));
  }

  personRecordsByIdNumber(idNumbers: readonly string[]) {
    return this.guard(() =>
      manyPerKey(idNumbers, this.rows(this.layout.sql.personsByIdNumber, idNumbers).map(this.layout.map.person), (p) => p.idNumber),
    );
  }

  /** Cases with their parties and plates, in the order found. */
  loadCases(ids: readonly string[]): CaseRecord[] {
    const { sql, map } = this.layout;
    const idColumn = this.layout.search.cases.keyColumns.at(-1)!;
    const rows = this.rows(sql.casesById, ids);
    const found = rows.map((r) => String(r[idColumn]));
    const parties = manyPerKey(found, this.rows(sql.partiesByCase, found).map(map.party), (p) => p.caseId);
    const plates = manyPerKey(found, this.rows(sql.platesByCase, found).map(map.plate), (p) => p.caseId);
    return rows.map((row, i) =>
      map.case(
        row,
        parties[i].map((p) => p.party),
        plates[i].map((p) => p.plate),
      ),
    );
  }

  casesById(ids: readonly string[]) {
    return this.guard(() => onePerKey(ids, this.loadCases(ids), (c) => c.id));
  }

  involvementsByIdNumber(idNumbers: readonly string[]) {
    return this.guard(() =>
      manyPerKey(
        idNumbers,
        this.rows(this.layout.sql.partiesByIdNumber, idNumbers).map(this.layout.map.party),
        (p) => p.party.idNumber,
      ).map((list) => list.map((p): Involvement => ({ caseId: p.caseId, role: p.party.role }))),
    );
  }

  casesByPlate(plates: readonly string[]) {
    return this.guard(() =>
      manyPerKey(plates, this.rows(this.layout.sql.platesByPlate, plates).map(this.layout.map.plate), (p) => p.plate).map((list) =>
        list.map((p) => p.caseId),
      ),
    );
  }

  caseOfficersById(ids: readonly string[]) {
    return this.guard(() =>
      manyPerKey(ids, this.rows(this.layout.sql.officersByCase, ids).map(this.layout.map.officer), (o) => o.caseId).map((list) =>
        list.map((o) => o.officer),
      ),
    );
  }

  vehicleRecordsById(ids: readonly string[]) {
    return this.guard(() => onePerKey(ids, this.rows(this.layout.sql.vehiclesById, ids).map(this.layout.map.vehicle), (v) => v.id));
  }

  vehicleRecordsByPlate(plates: readonly string[]) {
    return this.guard(() =>
      manyPerKey(plates, this.rows(this.layout.sql.vehiclesByPlate, plates).map(this.layout.map.vehicle), (v) => v.plate),
    );
  }

  vehicleRecordsByOwner(idNumbers: readonly string[]) {
    return this.guard(() =>
      manyPerKey(
        idNumbers,
        this.rows(this.layout.sql.vehiclesByOwner, idNumbers).map(this.layout.map.vehicle),
        (v) => v.ownerIdNumber ?? '',
      ),
    );
  }

  wantedNoticesById(ids: readonly string[]) {
    return this.guard(() => onePerKey(ids, this.rows(this.layout.sql.noticesById, ids).map(this.layout.map.notice), (n) => n.id));
  }

  wantedNoticesByIdNumber(idNumbers: readonly string[]) {
    return this.guard(() =>
      manyPerKey(idNumbers, this.rows(this.layout.sql.noticesByIdNumber, idNumbers).map(this.layout.map.notice), (n) => n.idNumber),
    );
  }

  vehicleAlertsById(ids: readonly string[]) {
    return this.guard(() => onePerKey(ids, this.rows(this.layout.sql.alertsById, ids).map(this.layout.map.alert), (a) => a.id));
  }

  vehicleAlertsByPlate(plates: readonly string[]) {
    return this.guard(() =>
      manyPerKey(plates, this.rows(this.layout.sql.alertsByPlate, plates).map(this.layout.map.alert), (a) => a.plate),
    );
  }

  private search<F, T>(kind: KeysetSearch['kind'], layout: SearchLayout<F>, filter: F, page: PageRequest, map: (row: Row) => T): Page<T> {
    const { where, params } = layout.where(filter);
    return keysetSearch<Row, T>(
      this.db,
      {
        region: this.layout.region,
        kind,
        select: layout.select,
        from: layout.from,
        where,
        params,
        keyColumns: layout.keyColumns,
      },
      page,
      map,
    );
  }

  searchPersons(filter: PersonFilter, page: PageRequest): Promise<Page<PersonRecord>> {
    return this.guard(() => this.search('persons', this.layout.search.persons, filter, page, this.layout.map.person));
  }

  searchCases(filter: CaseFilter, page: PageRequest): Promise<Page<CaseRecord>> {
    const idColumn = this.layout.search.cases.keyColumns.at(-1)!;
    return this.guard(() => {
      const found = this.search('cases', this.layout.search.cases, filter, page, (row) => String(row[idColumn]));
      return { ...found, items: onePerKey(found.items, this.loadCases(found.items), (c) => c.id) as CaseRecord[] };
    });
  }

  searchVehicles(filter: VehicleFilter, page: PageRequest): Promise<Page<VehicleRecord>> {
    return this.guard(() => this.search('vehicles', this.layout.search.vehicles, filter, page, this.layout.map.vehicle));
  }

  /**
   * The held keys, one keyset page per column at a time. Pages rather than one iterator:
   * better-sqlite3 keeps the connection busy while an iterator is open, and lookups must
   * go on meanwhile. Between pages the event loop serves them.
   */
  async *heldKeys(): AsyncGenerator<HeldKeys> {
    const { idNumbers, plates } = this.layout.held;
    for (const [kind, columns] of [['idNumbers', idNumbers] as const, ['plates', plates] as const]) {
      for (const { table, column } of columns) {
        const sql = `SELECT DISTINCT ${column} AS k FROM ${table} WHERE ${column} > ? ORDER BY ${column} LIMIT ${HELD_PAGE}`;
        let after = '';
        for (;;) {
          const stored = await this.guard(() => (statement(this.db, sql).raw().all(after) as [unknown][]).map((row) => String(row[0])));
          if (stored.length === 0) break;
          const keys = normalisedKeys(stored, kind === 'idNumbers' ? normaliseIdNumber : normalisePlate);
          yield kind === 'idNumbers' ? { idNumbers: keys, plates: [] } : { idNumbers: [], plates: keys };
          if (stored.length < HELD_PAGE) break;
          after = stored[stored.length - 1];
          await new Promise((resolve) => setImmediate(resolve));
        }
      }
    }
  }

  /** Identity numbers and plates a case touches (for change events). */
  caseKeys(caseIds: readonly string[]): { idNumbers: string[]; plates: string[] }[] {
    return onePerKey(caseIds, this.loadCases(caseIds), (c) => c.id).map((c) => ({
      idNumbers: c ? c.parties.map((p) => p.idNumber) : [],
      plates: c ? c.vehiclePlates : [],
    }));
  }
}

/**
 * Stored keys in their normalised form (a region may store 15-digit numbers or printed
 * plates). A stored key that does not normalise cannot be asked for, so it is left out.
 */
function normalisedKeys(stored: readonly string[], normalise: (key: string) => string): string[] {
  const keys: string[] = [];
  for (const key of stored) {
    try {
      keys.push(normalise(key));
    } catch {
      // not a valid key: no lookup can name it
    }
  }
  return keys;
}

/** The lookup and search half of a RegionAdapter, answered by whichever SqlRecords `current()` returns. */
export type SqlLookups = Omit<RegionAdapter, 'region' | 'changes' | 'health' | 'close'>;

export function sqlLookups(current: () => SqlRecords): SqlLookups {
  return {
    personRecordsById: (ids) => current().personRecordsById(ids),
    personRecordsByIdNumber: (keys) => current().personRecordsByIdNumber(keys),
    casesById: (ids) => current().casesById(ids),
    involvementsByIdNumber: (keys) => current().involvementsByIdNumber(keys),
    casesByPlate: (plates) => current().casesByPlate(plates),
    caseOfficersById: (ids) => current().caseOfficersById(ids),
    vehicleRecordsById: (ids) => current().vehicleRecordsById(ids),
    vehicleRecordsByPlate: (plates) => current().vehicleRecordsByPlate(plates),
    vehicleRecordsByOwner: (keys) => current().vehicleRecordsByOwner(keys),
    wantedNoticesById: (ids) => current().wantedNoticesById(ids),
    wantedNoticesByIdNumber: (keys) => current().wantedNoticesByIdNumber(keys),
    vehicleAlertsById: (ids) => current().vehicleAlertsById(ids),
    vehicleAlertsByPlate: (plates) => current().vehicleAlertsByPlate(plates),
    searchPersons: (filter, page) => current().searchPersons(filter, page),
    searchCases: (filter, page) => current().searchCases(filter, page),
    searchVehicles: (filter, page) => current().searchVehicles(filter, page),
    heldKeys: () => current().heldKeys(),
  };
}
