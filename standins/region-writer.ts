/**
 * What the seeded generator hands each regional stand-in.
 *
 * The generator decides *what* exists (people, cases, vehicles, overlap between
 * regions) in the contract's own shapes; each region's writer decides *how* its system
 * stores it: table and column names, code tables, date formats, 15-digit numbers,
 * GBK CSV. Writers stream: they never hold the whole data set in memory, so 1,000,000
 * persons per region fit in bounded RAM. Await every call (writers apply backpressure).
 */
import type { CaseOfficer, CaseRecord, PersonRecord, VehicleAlert, VehicleRecord, WantedNotice } from '../adapters/adapter.ts';

export interface RegionWriter {
  /** `person.idNumberAsRecorded` is what the region stores (the generator picks 15 or 18 digits). */
  person(person: PersonRecord): void | Promise<void>;
  /** `officers`: who is assigned to the case (its own officers and any assisting team's), in the region's order. */
  case(record: CaseRecord, officers: readonly CaseOfficer[]): void | Promise<void>;
  vehicle(vehicle: VehicleRecord): void | Promise<void>;
  notice(notice: WantedNotice): void | Promise<void>;
  alert(alert: VehicleAlert): void | Promise<void>;
  /** Flush and make the region's system ready to serve. */
  close(): Promise<void>;
}

/** Where a region's stand-in keeps its data, under the data root (default `.data/`). */
export interface RegionWriterOptions {
  dataDir: string;
}
